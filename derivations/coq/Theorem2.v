(* Theorem 2's factorisation: the determinant of the full-support N-agent interior
   system is (-1)^N alpha * alpha~^(N-1), for every N and K.  Coq 8.16 + mathcomp 1.15.

   The unknowns are (w_1, lambda_1, ..., w_N, lambda_N); agent m's rows are
   2C w_m + q sum_{j <> m} w_j + lambda_m 1 = s a and 1^T w_m = 1 (q = r/(N-1)).  The
   matrix is the N x N block matrix with diagonal blocks D = [[2C, 1], [1^T, 0]] and
   off-diagonal blocks E = [[qI, 0], [0, 0]], i.e. I_N (x) (D - E) + J_N (x) E.  With
   U = (I; ...; I) the column of N identity blocks it is Gmx D E N = Diag(D - E) + U E U^T.

   Block operations (any commutative ring, det_Gmx): multiply on the left by
   [[I, 0], [-U, I]] (subtract block row 1 from the others) and on the right by
   [[I, 0], [U, I]] (add the other block columns to column 1); both have det 1 and the
   product is block upper triangular with diagonal blocks D + (N-1)E and N-1 copies of
   D - E.  D + (N-1)E = bordered(2C + (N-1)q I) and D - E = bordered(2C - qI), whose
   determinants are -alpha and -alpha~ (Bordered.det_B_alpha):
   theorem2_det (q free, any commutative ring), theorem2_factorisation (any field,
   q = r/(N-1), N - 1 <> 0 in the field) and theorem2_unit (the system is invertible iff
   alpha <> 0 and alpha~ <> 0). *)
From mathcomp Require Import all_ssreflect all_algebra.
From NashAlign Require Import Bordered.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory.
Local Open Scope ring_scope.

Section Blocks.
Variable R : comRingType.
Variable k : nat.
Variables A B : 'M[R]_k.

Fixpoint Ucol n : 'M[R]_(n * k, k) :=
  match n return 'M[R]_(n * k, k) with
  | 0 => 0
  | n'.+1 => col_mx 1%:M (Ucol n')
  end.

Fixpoint Diag n : 'M[R]_(n * k) :=
  match n return 'M[R]_(n * k) with
  | 0 => 0
  | n'.+1 => block_mx (A - B) 0 0 (Diag n')
  end.

Definition Gmx n : 'M[R]_(n * k) := Diag n + Ucol n *m B *m (Ucol n)^T.

Lemma det_Diag n : \det (Diag n) = \det (A - B) ^+ n.
Proof.
elim: n => [|n IH]; first by rewrite expr0; apply: det_mx00.
by rewrite /= det_ublock IH exprS.
Qed.

Lemma UtU n : (Ucol n)^T *m Ucol n = 1%:M *+ n.
Proof.
elim: n => [|n IH]; first by rewrite /= trmx0 mul0mx mulr0n.
by rewrite /= tr_col_mx mul_row_col IH trmx1 mulmx1 mulrS.
Qed.

Lemma mulmx1Mn m (X : 'M[R]_(m, k)) n : X *m (1%:M *+ n) = X *+ n.
Proof.
elim: n => [|n IH]; first by rewrite !mulr0n mulmx0.
by rewrite !mulrS mulmxDr mulmx1 IH.
Qed.

Lemma DiagU n : Diag n *m Ucol n = Ucol n *m (A - B).
Proof.
elim: n => [|n IH]; first by rewrite /= mul0mx mul0mx.
rewrite /= mul_block_col IH mul_col_mx.
by rewrite mulmx1 mul1mx !mul0mx addr0 add0r.
Qed.

Lemma GmxS n :
  Gmx n.+1 = block_mx A (B *m (Ucol n)^T) (Ucol n *m B) (Gmx n) :> 'M[R]_(k + n * k).
Proof.
rewrite /Gmx /= tr_col_mx trmx1 mul_col_mx mul1mx mul_col_row mulmx1.
by rewrite add_block_mx subrK !add0r mulmx1.
Qed.

Lemma det_Gmx n : \det (Gmx n.+1) = \det (A + B *+ n) * \det (A - B) ^+ n.
Proof.
set P : 'M[R]_(k + n * k) := block_mx 1%:M 0 (- Ucol n) 1%:M.
set Q : 'M[R]_(k + n * k) := block_mx 1%:M 0 (Ucol n) 1%:M.
have dP : \det P = 1 by rewrite det_lblock !det1 mulr1.
have dQ : \det Q = 1 by rewrite det_lblock !det1 mulr1.
have key : P *m (block_mx A (B *m (Ucol n)^T) (Ucol n *m B) (Gmx n) *m Q)
           = block_mx (A + B *+ n) (B *m (Ucol n)^T) 0 (Diag n).
  rewrite /Q mulmx_block !mulmx1 !mulmx0 !add0r.
  have -> : A + B *m (Ucol n)^T *m Ucol n = A + B *+ n.
    by rewrite -mulmxA UtU mulmx1Mn.
  have -> : Ucol n *m B + Gmx n *m Ucol n = Ucol n *m (A + B *+ n).
    rewrite /Gmx mulmxDl DiagU -!mulmxA UtU mulmx1Mn.
    by rewrite -!mulmxDr addrA (addrC B) subrK.
  rewrite /P mulmx_block !mul1mx !mul0mx ?addr0 ?add0r !mulNmx addNr.
  by rewrite /Gmx !mulmxA (addrC (Diag n)) addKr.
change (@determinant _ (k + n * k) (Gmx n.+1) = \det (A + B *+ n) * \det (A - B) ^+ n).
rewrite GmxS -[LHS]mul1r -dP -[X in _ * X]mulr1 -dQ -det_mulmx -det_mulmx.
rewrite key det_ublock det_Diag.
by [].
Qed.
End Blocks.

Section System.
Variable R : comRingType.
Variable K : nat.
Variables (C : 'M[R]_K) (q : R).
Local Notation "''1'" := (ones R K).

Definition Dblk : 'M[R]_(K + 1) := bordered (C *+ 2) '1 '1^T 0.
Definition Eblk : 'M[R]_(K + 1) := block_mx q%:M 0 0 0.
Definition system N : 'M[R]_(N * (K + 1)) := Gmx Dblk Eblk N.

Lemma Eblk_Mn n : Eblk *+ n = block_mx (q *+ n)%:M 0 0 0.
Proof.
elim: n => [|n IH]; first by rewrite !mulr0n raddf0 block_mx0.
by rewrite !mulrS IH /Eblk add_block_mx !addr0 raddfD.
Qed.

Lemma Dblk_plus n : Dblk + Eblk *+ n = bordered (C *+ 2 + (q *+ n)%:M) '1 '1^T 0.
Proof. by rewrite Eblk_Mn /Dblk /bordered add_block_mx !addr0. Qed.

Lemma Dblk_minus : Dblk - Eblk = bordered (C *+ 2 - q%:M) '1 '1^T 0.
Proof. by rewrite /Dblk /Eblk /bordered opp_block_mx add_block_mx !oppr0 !addr0. Qed.

Theorem theorem2_det_blocks n :
  \det (system n.+1) = - alpha (C *+ 2 + (q *+ n)%:M) * (- alpha (C *+ 2 - q%:M)) ^+ n.
Proof. by rewrite /system det_Gmx Dblk_plus Dblk_minus !det_B_alpha. Qed.

Theorem theorem2_det N : (0 < N)%N ->
  \det (system N)
    = (-1) ^+ N * alpha (C *+ 2 + (q *+ (N - 1))%:M) * alpha (C *+ 2 - q%:M) ^+ (N - 1).
Proof.
case: N => // n _; rewrite theorem2_det_blocks subn1 /=.
rewrite [(- alpha _) ^+ n]exprNn exprS mulN1r !mulNr.
by rewrite mulrCA mulrA.
Qed.
End System.

Section Field.
Variable F : fieldType.
Variable K : nat.
Variables (C : 'M[F]_K) (r : F) (N : nat).

Theorem theorem2_factorisation : (N - 1)%:R != 0 :> F ->
  \det (system C (r / (N - 1)%:R) N)
    = (-1) ^+ N * alpha (C *+ 2 + r%:M)
      * alpha (C *+ 2 - (r / (N - 1)%:R)%:M) ^+ (N - 1).
Proof.
move=> hN; have N0 : (0 < N)%N by case: N hN => //; rewrite sub0n eqxx.
by rewrite theorem2_det // -[_ *+ (N - 1)]mulr_natr divfK.
Qed.

Theorem theorem2_unit : (N - 1)%:R != 0 :> F ->
  (system C (r / (N - 1)%:R) N \in unitmx)
    = (alpha (C *+ 2 + r%:M) != 0) && (alpha (C *+ 2 - (r / (N - 1)%:R)%:M) != 0).
Proof.
move=> hN; rewrite unitmxE unitfE theorem2_factorisation //.
rewrite !mulf_eq0 signr_eq0 expf_eq0 /= negb_or negb_and.
have -> : (0 < N - 1)%N by rewrite lt0n; apply: contraNneq hN => ->.
by [].
Qed.
End Field.
