(* The bordered determinant det B = -alpha and the matrix determinant lemma
   in adjugate form, over any commutative ring.  Coq 8.16 + mathcomp 1.15. *)
From mathcomp Require Import all_ssreflect all_algebra.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory.
Local Open Scope ring_scope.

Section Defs.
Variable R : ringType.

(* The all-ones column 1 and the bordered matrix B = [[M, u], [v, d]]. *)
Definition ones n : 'cV[R]_n := const_mx 1.
Definition bordered n (M : 'M[R]_n) (u : 'cV[R]_n) (v : 'rV[R]_n) (d : R)
  : 'M[R]_(n + 1) := block_mx M u v d%:M.
End Defs.

Section Alpha.
Variable R : comRingType.
(* alpha(M) = 1^T adj(M) 1 *)
Definition alpha n (M : 'M[R]_n) : R := ((ones R n)^T *m \adj M *m ones R n) 0 0.
End Alpha.

Section Bordered.
Variable R : comRingType.

(* The key product: B * [[1, -adj(M) u], [0, det M]] is block lower triangular. *)
Lemma det_bordered_mul n (M : 'M[R]_n) u v d :
  \det (bordered M u v d) * \det M
    = \det M * (d * \det M - (v *m \adj M *m u) 0 0).
Proof.
set T : 'M[R]_(n + 1) := block_mx 1%:M (- (\adj M *m u)) 0 (\det M)%:M.
have detT : \det T = \det M by rewrite det_ublock det1 det_scalar1 mul1r.
rewrite -[in X in _ * X = _]detT -det_mulmx /bordered /T mulmx_block.
rewrite !mulmx1 !mulmx0 !addr0 mulmxN mulmxA mul_mx_adj mul_scalar_mx.
rewrite scalar_mxC mul_scalar_mx addNr det_lblock; congr (_ * _).
rewrite det_mx11 mulmxN mulmxA -scalar_mxM mxE [X in _ + X]mxE eqxx mulr1n.
by rewrite mxE addrC.
Qed.

(* Cancelling det M: pass to polynomials, where det(X + M) is monic, then evaluate at 0. *)
Lemma map_horner0_char_poly_mx n (M : 'M[R]_n) :
  map_mx (horner_eval 0) (char_poly_mx (- M)) = M.
Proof.
apply/matrixP => i j; rewrite !mxE horner_evalE.
by rewrite hornerD hornerN hornerMn hornerX hornerC mul0rn sub0r opprK.
Qed.

End Bordered.

Section BorderedDet.
Variable R : comRingType.

Theorem det_bordered n (M : 'M[R]_n) u v d :
  \det (bordered M u v d) = d * \det M - (v *m \adj M *m u) 0 0.
Proof.
pose MX := char_poly_mx (- M).
pose uX := map_mx polyC u; pose vX := map_mx polyC v.
have regX : GRing.rreg (\det MX) by apply: monic_rreg; apply: char_poly_monic.
have keyX : \det (bordered MX uX vX d%:P) = d%:P * \det MX - (vX *m \adj MX *m uX) 0 0.
  by apply: regX => /=; rewrite (@det_bordered_mul [comRingType of {poly R}] n MX uX vX d%:P) mulrC.
have fM : map_mx (horner_eval 0) MX = M by apply: map_horner0_char_poly_mx.
have fu : map_mx (horner_eval 0) uX = u.
  by apply/matrixP => i j; rewrite !mxE horner_evalE hornerC.
have fv : map_mx (horner_eval 0) vX = v.
  by apply/matrixP => i j; rewrite !mxE horner_evalE hornerC.
have fd : horner_eval 0 d%:P = d by rewrite horner_evalE hornerC.
have fd' : horner_eval_rmorphism 0 d%:P = d by rewrite /= horner_evalE hornerC.
have := congr1 (horner_eval 0) keyX.
rewrite -det_map_mx /bordered map_block_mx fM fu fv map_scalar_mx fd'.
rewrite rmorphB rmorphM fd' -det_map_mx fM => ->.
congr (_ - _); rewrite -fM -fu -fv -map_mx_adj -!map_mxM [RHS]mxE.
by [].
Qed.

(* det B = - alpha for the bordered matrix B = [[M, 1], [1^T, 0]]. *)
Theorem det_B_alpha n (M : 'M[R]_n) :
  \det (bordered M (ones R n) (ones R n)^T 0) = - alpha M.
Proof. by rewrite det_bordered mul0r sub0r. Qed.

(* The matrix determinant lemma in adjugate form (not in mathcomp 1.15). *)
Theorem det_rank1_update n (M : 'M[R]_n) (u : 'cV[R]_n) (v : 'rV[R]_n) :
  \det (M + u *m v) = \det M + (v *m \adj M *m u) 0 0.
Proof.
have h1 := det_bordered M u v (-1).
have h2 : \det (bordered M u v (-1)) = - \det (M + u *m v).
  have -> : bordered M u v (-1) =
            block_mx (M + u *m v) u 0 (-1)%:M *m block_mx 1%:M 0 (- v) 1%:M.
    rewrite mulmx_block /bordered; congr block_mx.
    - by rewrite mulmx1 mulmxN addrK.
    - by rewrite mulmx0 mulmx1 add0r.
    - by rewrite mul0mx add0r mul_scalar_mx scaleN1r opprK.
    - by rewrite mul0mx add0r mulmx1.
  by rewrite det_mulmx det_ublock det_lblock !det1 !det_scalar1 !mulr1 mulrN1.
rewrite h1 in h2; rewrite -[LHS]opprK -h2.
by rewrite mulN1r opprB opprK addrC.
Qed.
End BorderedDet.
