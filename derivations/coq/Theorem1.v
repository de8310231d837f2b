(* Theorem 1 (closed-form interior NE, homogeneous population) for every K,
   over any field.  Coq 8.16 + mathcomp 1.15. *)
From mathcomp Require Import all_ssreflect all_algebra.
From NashAlign Require Import Bordered.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory.
Local Open Scope ring_scope.

Section AdjBorder.
Variable R : comRingType.

(* The last index of 'I_(n + 1). *)
Definition lastI n : 'I_(n + 1) := rshift n ord0.

Lemma col'_last_bordered n (M : 'M[R]_n) u u' v :
  col' (lastI n) (bordered M u v 0) = col' (lastI n) (bordered M u' v 0).
Proof.
apply/matrixP => a b; rewrite !mxE /bordered.
case: (split a) => i //; rewrite !mxE; case: splitP => j // hj.
have hb : (b < n)%N by case: b {hj} => b' /= hb'; move: hb'; rewrite addn1.
move: hj; rewrite /= /bump addn0 leqNgt hb add0n => hj.
by move: hb; rewrite hj ltnNge leq_addr.
Qed.

(* The lower-left block of adj(B) is -(v adj M): the border cofactors are
   entries of adj M (expansion of det B along its last column). *)
Lemma adj_bordered_ll n (M : 'M[R]_n) u v :
  dlsubmx (\adj (bordered M u v 0)) = - (v *m \adj M).
Proof.
apply/rowP => k; rewrite !mxE.
pose y : 'cV[R]_n := delta_mx k 0.
have := det_bordered M y v 0; rewrite mul0r sub0r.
rewrite (expand_det_col _ (lastI n)) big_split_ord /= big_ord1.
have -> : bordered M y v 0 (rshift n 0) (lastI n) = 0.
  by rewrite /bordered /lastI block_mxEdr mxE mul0rn.
rewrite mul0r addr0.
rewrite (eq_bigr (fun i => y i 0 * cofactor (bordered M u v 0) (lshift 1 i) (lastI n))).
  rewrite (bigD1 k) //= big1 ?addr0; last first.
    by move=> i /negbTE ik; rewrite /y mxE ik mul0r.
  rewrite /y mxE !eqxx /= mul1r => ->.
  by rewrite -mulmxA -colE !mxE; congr (- _); apply: eq_bigr => j _; rewrite !mxE.
move=> i _; rewrite /bordered block_mxEur; congr (_ * _).
by rewrite /cofactor (col'_last_bordered M y u v).
Qed.
End AdjBorder.

Section Theorem1.
Variable F : fieldType.
Variable n : nat.
Local Notation "''1'" := (ones F n).

(* M(r) = 2C + rI, the bordered matrix B = [[M, 1], [1^T, 0]], and the derived objects. *)
Definition Mr (C : 'M[F]_n) (r : F) : 'M[F]_n := C *+ 2 + r%:M.
Definition Bmat (M : 'M[F]_n) : 'M[F]_(n + 1) := bordered M '1 '1^T 0.
(* Pi is the polynomial matrix -(upper-left block of adj B): no det M <> 0 needed. *)
Definition Pi (M : 'M[F]_n) : 'M[F]_n := - ulsubmx (\adj (Bmat M)).
Definition w0 (M : 'M[F]_n) : 'cV[F]_n := (alpha M)^-1 *: (\adj M *m '1).
Definition vdir (M : 'M[F]_n) (a : 'cV[F]_n) : 'cV[F]_n := (alpha M)^-1 *: (Pi M *m a).
Definition wstar (M : 'M[F]_n) (a : 'cV[F]_n) (s : F) : 'cV[F]_n := w0 M + s *: vdir M a.
Definition lamstar (M : 'M[F]_n) (a : 'cV[F]_n) (s : F) : F :=
  (alpha M)^-1 * (s * ('1^T *m \adj M *m a) 0 0 - \det M).

(* Lemma 0's interior condition for a symmetric profile, divided by betaI:
   s a - M w = lambda 1 and 1^T w = 1. *)
Definition interior_eq (M : 'M[F]_n) (a : 'cV[F]_n) (s : F) (w : 'cV[F]_n) (lam : F) :=
  s *: a - M *m w = lam *: '1 /\ '1^T *m w = 1%:M.

Lemma B_adjB (M : 'M[F]_n) :
  M *m ulsubmx (\adj (Bmat M)) - '1 *m ('1^T *m \adj M) = - (alpha M)%:M
  /\ '1^T *m ulsubmx (\adj (Bmat M)) = 0.
Proof.
have := mul_mx_adj (Bmat M).
rewrite -[X in _ *m X = _](submxK (\adj (Bmat M))) /Bmat det_B_alpha.
rewrite adj_bordered_ll /bordered mulmx_block scalar_mx_block.
case/eq_block_mx => ul _ dl _; split.
  by rewrite -mulmxN ul raddfN.
by rewrite -dl mul_scalar_mx scale0r addr0.
Qed.

(* M Pi = alpha I - 1 1^T adj M, and 1^T Pi = 0. *)
Lemma M_Pi (M : 'M[F]_n) : M *m Pi M = (alpha M)%:M - '1 *m ('1^T *m \adj M).
Proof.
have [ul _] := B_adjB M.
rewrite /Pi mulmxN -[M *m _](subrK ('1 *m ('1^T *m \adj M))) ul.
by rewrite opprD opprK.
Qed.

Lemma ones_Pi (M : 'M[F]_n) : '1^T *m Pi M = 0.
Proof. by have [_ dl] := B_adjB M; rewrite /Pi mulmxN dl oppr0. Qed.

(* Pi is a polynomial matrix with det M * Pi = alpha A - A 1 1^T A (A = adj M). *)
Theorem Pi_poly (M : 'M[F]_n) :
  \det M *: Pi M = alpha M *: \adj M - \adj M *m '1 *m '1^T *m \adj M.
Proof.
rewrite -[\det M *: _]mul_scalar_mx -mul_adj_mx -[\adj M *m M *m _]mulmxA M_Pi.
by rewrite mulmxBr mul_mx_scalar !mulmxA.
Qed.

(* Theorem 1, the s = 0 part: M w0 = (det M / alpha) 1 and 1^T w0 = 1. *)
Theorem theorem1_w0 (M : 'M[F]_n) :
  alpha M != 0 ->
  M *m w0 M = (\det M / alpha M) *: '1 /\ '1^T *m w0 M = 1%:M.
Proof.
move=> a0; split.
  by rewrite /w0 -scalemxAr mulmxA mul_mx_adj mul_scalar_mx scalerA mulrC.
rewrite /w0 -scalemxAr mulmxA [_ *m '1]mx11_scalar scale_scalar_mx.
by rewrite -/(alpha M) mulVf.
Qed.

(* The s-direction sums to zero: 1^T v = 0 (no assumption at all). *)
Theorem theorem1_sum_v (M : 'M[F]_n) (a : 'cV[F]_n) : '1^T *m vdir M a = 0.
Proof. by rewrite /vdir -scalemxAr mulmxA ones_Pi mul0mx scaler0. Qed.

Lemma ones_row (x : 'M[F]_1) : '1 *m x = x 0 0 *: '1.
Proof. by rewrite {1}[x]mx11_scalar mul_mx_scalar. Qed.

(* Theorem 1: w* = w0 + s v with multiplier lambda* solves the interior conditions ... *)
Theorem theorem1_solution (M : 'M[F]_n) (a : 'cV[F]_n) (s : F) :
  alpha M != 0 -> interior_eq M a s (wstar M a s) (lamstar M a s).
Proof.
move=> a0; have [Mw0 sw0] := theorem1_w0 a0; split; last first.
  by rewrite /wstar mulmxDr sw0 -scalemxAr theorem1_sum_v scaler0 addr0.
rewrite /wstar mulmxDr Mw0 -scalemxAr /vdir -scalemxAr mulmxA M_Pi mulmxBl.
rewrite mul_scalar_mx -mulmxA ones_row !scalerBr !scalerA divfK //.
rewrite opprD opprB addrCA; set sa := s *: a; set D := (_ / _) *: '1.
rewrite addrCA [sa + _]addrC -addrA subrK addrC /D -scalerBl.
by congr (_ *: _); rewrite /lamstar mulrBr mulrA ![(alpha M)^-1 * _]mulrC.
Qed.

(* ... and it is the only solution when alpha <> 0 (det B = -alpha <> 0). *)
Theorem theorem1_unique (M : 'M[F]_n) (a : 'cV[F]_n) (s : F) (w : 'cV[F]_n) (lam : F) :
  alpha M != 0 -> interior_eq M a s w lam -> w = wstar M a s /\ lam = lamstar M a s.
Proof.
move=> a0; have [e1 e2] := theorem1_solution a s a0.
have sys : forall w' lam', interior_eq M a s w' lam' ->
    Bmat M *m col_mx w' lam'%:M = col_mx (s *: a) 1%:M.
  move=> w' lam' [h1 h2]; rewrite /Bmat /bordered mul_block_col mul_scalar_mx scale0r addr0 h2.
  by rewrite mul_mx_scalar -h1 addrC subrK.
move=> /sys hw; have := sys _ _ (conj e1 e2); rewrite -hw => hB.
have /(congr1 (mulmx (\adj (Bmat M)))) := hB.
have na : - alpha M != 0 by rewrite oppr_eq0.
rewrite !mulmxA mul_adj_mx /Bmat det_B_alpha !mul_scalar_mx => /(scalerI na).
case/eq_col_mx => <- h; split => //.
by move/matrixP: h => /(_ 0 0); rewrite !mxE !eqxx !mulr1n.
Qed.

(* Equilibria depend on the betas only through s = betaA/betaI and r = betaD/betaI:
   Lemma 0's interior condition for a symmetric profile, with the betas. *)
Theorem theorem1_betas (C : 'M[F]_n) (a w : 'cV[F]_n) (betaA betaI betaD lam : F) :
  betaI != 0 ->
  (betaA *: a - (betaI *+ 2) *: (C *m w) - betaD *: w = lam *: '1)
    <-> ((betaA / betaI) *: a - Mr C (betaD / betaI) *m w = (lam / betaI) *: '1).
Proof.
move=> b0; rewrite /Mr [C *+ 2]mulr2n !mulmxDl mul_scalar_mx.
have e : betaA *: a - (betaI *+ 2) *: (C *m w) - betaD *: w
         = betaI *: (betaA / betaI *: a - (C *m w + C *m w + betaD / betaI *: w)).
  rewrite scalerBr !scalerDr !scalerA mulrCA mulfV // mulr1.
  rewrite [betaI * (betaD / _)]mulrCA mulfV // mulr1.
  by rewrite -scalerMnl mulr2n !opprD !addrA.
rewrite e; split => [h|h].
  by apply: (scalerI b0); rewrite h scalerA mulrCA mulfV ?mulr1.
by rewrite h scalerA mulrCA mulfV ?mulr1.
Qed.
End Theorem1.
