(* Claim 1: a sample covariance matrix is positive semidefinite (an exact
   sum-of-squares identity).  Coq 8.16 + mathcomp 1.15. *)
From mathcomp Require Import all_ssreflect all_algebra.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory Num.Theory.
Local Open Scope ring_scope.

(* Our own PSD notion (mathcomp 1.15 has none): v^T C v >= 0 for every column v. *)
Definition psd (F : numDomainType) n (C : 'M[F]_n) :=
  forall v : 'cV[F]_n, 0 <= (v^T *m C *m v) 0 0.

Section Claim1.
Variable F : realFieldType.
Variables m n : nat.

(* S: m contexts (rows) x n subpopulations; a = mean row; C = sample covariance (ddof 1). *)
Definition mean_row (S : 'M[F]_(m, n)) : 'rV[F]_n := (m%:R)^-1 *: \sum_(i < m) row i S.
Definition sample_cov (S : 'M[F]_(m, n)) : 'M[F]_n :=
  (m.-1%:R)^-1 *: \sum_(i < m) (row i S - mean_row S)^T *m (row i S - mean_row S).

Lemma quad11 (y : 'M[F]_1) : (y^T *m y) 0 0 = y 0 0 ^+ 2.
Proof. by rewrite mxE big_ord1 mxE. Qed.

(* v^T C v = (1/(m-1)) sum_i (v^T (s_i - a))^2 *)
Theorem claim1_quadratic_form (S : 'M[F]_(m, n)) (v : 'cV[F]_n) :
  (v^T *m sample_cov S *m v) 0 0
    = (m.-1%:R)^-1 * \sum_(i < m) (((row i S - mean_row S) *m v) 0 0) ^+ 2.
Proof.
rewrite /sample_cov -scalemxAr -scalemxAl mxE; congr (_ * _).
rewrite mulmx_sumr mulmx_suml summxE; apply: eq_bigr => i _.
by rewrite !mulmxA -trmx_mul -mulmxA quad11.
Qed.

Theorem claim1_psd (S : 'M[F]_(m, n)) : psd (sample_cov S).
Proof.
move=> v; rewrite claim1_quadratic_form mulr_ge0 ?invr_ge0 ?ler0n //.
by apply: sumr_ge0 => i _; apply: sqr_ge0.
Qed.
End Claim1.
