(* Lemma 2, positivity: alpha(r) = 1^T adj(2C + rI) 1 > 0 for r > 0 when C is PSD,
   over any real closed field.  Coq 8.16 + mathcomp 1.15. *)
From mathcomp Require Import all_ssreflect all_algebra.
From NashAlign Require Import Bordered Theorem1 Claim1.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory Num.Theory.
Local Open Scope ring_scope.

Section Positivity.
Variable F : rcfType.
Variable n : nat.

Definition qf (v : 'cV[F]_n) (A : 'M[F]_n) : F := (v^T *m A *m v) 0 0.
(* positive definite *)
Definition pd (A : 'M[F]_n) := forall v : 'cV[F]_n, v != 0 -> 0 < qf v A.

Lemma qfD v A B : qf v (A + B) = qf v A + qf v B.
Proof. by rewrite /qf mulmxDr mulmxDl mxE. Qed.
Lemma qfB v A B : qf v (A - B) = qf v A - qf v B.
Proof. by rewrite /qf mulmxBr mulmxBl [X in X = _](mxE) [X in _ + X = _](mxE). Qed.
Lemma qfZ v t A : qf v (t *: A) = t * qf v A.
Proof. by rewrite /qf -scalemxAr -scalemxAl mxE. Qed.

Lemma qf1_gt0 (v : 'cV[F]_n) : v != 0 -> 0 < qf v 1%:M.
Proof.
move=> nz; have [i vi] : exists i, v i 0 != 0.
  apply/existsP; apply: contraR nz => /existsPn h; apply/eqP/colP => i.
  by move/negPn/eqP: (h i) => ->; rewrite mxE.
rewrite /qf mulmx1 mxE (bigD1 i) //= mxE ltr_paddr //.
  by apply: sumr_ge0 => j _; rewrite mxE -expr2 sqr_ge0.
by rewrite lt0r -expr2 sqr_ge0 expf_neq0.
Qed.

Lemma psd_pd (C : 'M[F]_n) (r : F) : psd C -> 0 < r -> pd (Mr C r).
Proof.
move=> hC r0 v nz; rewrite /Mr qfD -scalemx1 qfZ.
rewrite ltr_paddl ?mulr_gt0 ?qf1_gt0 //.
by rewrite mulr2n qfD addr_ge0 //; apply: hC.
Qed.

Lemma pd_det_neq0 (A : 'M[F]_n) : pd A -> \det A != 0.
Proof.
move=> hA; apply/negP => /det0P[v nz vA].
have nz' : v^T != 0 by apply: contra nz => /eqP h; rewrite -[v]trmxK h trmx0.
have := hA _ nz'; rewrite /qf trmxK.
by rewrite vA mul0mx mxE Order.POrderTheory.ltxx.
Qed.

(* The segment from the identity to A: (1 - t) I + t A. *)
Definition path_mx (A : 'M[F]_n) (t : F) : 'M[F]_n := 1%:M + t *: (A - 1%:M).
Definition path_poly (A : 'M[F]_n) : {poly F} :=
  \det (1%:M + 'X *: map_mx polyC (A - 1%:M)).

Lemma path_poly_eval A t : (path_poly A).[t] = \det (path_mx A t).
Proof.
rewrite /path_poly -horner_evalE -det_map_mx; congr (\det _).
have he : forall p, horner_eval_rmorphism t p = p.[t] by [].
apply/matrixP => i j; rewrite !mxE he.
by rewrite hornerD hornerMn -polyC1 hornerC hornerM hornerX hornerC.
Qed.

Lemma pd_path A t : pd A -> 0 <= t <= 1 -> pd (path_mx A t).
Proof.
move=> hA /andP[t0 t1] v nz; rewrite /path_mx qfD qfZ qfB.
have -> : qf v 1%:M + t * (qf v A - qf v 1%:M) = (1 - t) * qf v 1%:M + t * qf v A.
  by rewrite mulrBr mulrBl mul1r addrCA addrC.
have q1 := qf1_gt0 nz; have qA := hA v nz.
have [->|tn0] := eqVneq t 0; first by rewrite subr0 mul1r mul0r addr0.
apply: ltr_paddl; first by apply: mulr_ge0; [rewrite subr_ge0 | exact: Order.POrderTheory.ltW].
by rewrite mulr_gt0 // lt0r tn0.
Qed.

(* A positive definite matrix has positive determinant (intermediate values on the path). *)
Theorem pd_det_pos (A : 'M[F]_n) : pd A -> 0 < \det A.
Proof.
move=> hA.
have nz t : 0 <= t <= 1 -> \det (path_mx A t) != 0.
  by move=> ht; apply/pd_det_neq0/pd_path.
have p1 : path_mx A 1 = A by rewrite /path_mx scale1r addrC subrK.
have p0 : path_mx A 0 = 1%:M by rewrite /path_mx scale0r addr0.
have dA : \det A != 0 by rewrite -p1 nz // ler01 Order.POrderTheory.lexx.
rewrite lt0r dA /= Order.TotalTheory.leNgt; apply/negP => neg.
have [x hx] : exists2 x, 0 <= x <= 1 & root (- path_poly A) x.
  apply: poly_ivt; first exact: ler01.
  by rewrite !hornerN !path_poly_eval p0 p1 det1 oppr_le0 ler01 oppr_ge0 Order.POrderTheory.ltW.
by rewrite rootE hornerN path_poly_eval oppr_eq0; apply/negP/nz.
Qed.

(* Lemma 2, positivity. *)
Theorem alpha_pos (C : 'M[F]_n) (r : F) :
  (0 < n)%N -> psd C -> 0 < r -> 0 < alpha (Mr C r).
Proof.
move=> n0 hC r0; set M := Mr C r; have pdM := psd_pd hC r0.
have dM := pd_det_pos pdM.
set y := \adj M *m ones F n.
have My : M *m y = \det M *: ones F n by rewrite /y mulmxA mul_mx_adj mul_scalar_mx.
have ynz : y != 0.
  apply: contraTneq dM => y0; move: My; rewrite y0 mulmx0 => /esym/matrixP.
  by move/(_ (Ordinal n0) 0); rewrite !mxE mulr1 => ->; rewrite Order.POrderTheory.ltxx.
have := pdM y ynz; rewrite /qf -mulmxA My -scalemxAr mxE.
have -> : (y^T *m ones F n) 0 0 = alpha M.
  by rewrite /alpha -mulmxA -/y -{1}[ones F n]trmxK -trmx_mul mxE.
by rewrite pmulr_rgt0.
Qed.
End Positivity.
