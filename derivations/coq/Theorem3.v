(* Theorem 3: the potential identity dPhi/dw_m = grad_{w_m} u_m, for every N and K over
   any field.  Coq 8.16 + mathcomp 1.15.

   Phi(W) = sum_m [bA a^T w_m - bI w_m^T C w_m] - bD/(N-1) sum_{m<j} w_m^T w_j is a sum of
   linear, quadratic and bilinear forms.  Its partial gradient in w_m is the sum of the
   gradients of those forms (a; (C + C^T) w_m; w_j resp. w_i for w_i^T w_j), each justified
   by an exact first-order expansion (lin_step, quad_step, bil_step_l, bil_step_r).  With
   C symmetric it equals agent m's gradient bA a - 2 bI C w_m - bD wbar_{-m} (Lemma 0),
   wbar_{-m} = (1/(N-1)) sum_{j != m} w_j: potential_gradient, an equality of vectors. *)
From mathcomp Require Import all_ssreflect all_algebra.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory.
Local Open Scope ring_scope.

Section PairSum.
Variables (V : zmodType) (N : nat).

Lemma pair_sum (m : 'I_N) (f : 'I_N -> V) :
  \sum_(i < N) \sum_(j < N | (i < j)%N)
      ((if i == m then f j else 0) + (if j == m then f i else 0))
    = \sum_(j < N | j != m) f j.
Proof.
under eq_bigr do rewrite big_split /=.
rewrite big_split /=.
have -> : \sum_(i < N) \sum_(j < N | (i < j)%N) (if i == m then f j else 0)
          = \sum_(j < N | (m < j)%N) f j.
  rewrite (bigD1 m) //= eqxx [X in _ + X]big1 ?addr0 // => i /negbTE ->.
  by rewrite big1.
have -> : \sum_(i < N) \sum_(j < N | (i < j)%N) (if j == m then f i else 0)
          = \sum_(i < N | (i < m)%N) f i.
  rewrite [RHS]big_mkcond; apply: eq_bigr => i _.
  rewrite big_mkcond (bigD1 m) //= eqxx [X in _ + X]big1 ?addr0 //.
  by move=> j /negbTE ->; case: ifP.
rewrite [RHS](bigID (fun j : 'I_N => (m < j)%N)) /=; congr (_ + _); apply: eq_bigl => j.
  case: (ltnP m j) => h; last by rewrite andbF.
  rewrite andbT.
  by apply/esym/negP => /eqP e; move: h; rewrite e ltnn.
by rewrite -leqNgt ltn_neqAle.
Qed.
End PairSum.

Section Potential.
Variables (F : fieldType) (K N : nat).

(* The forms of the model, as scalars: a^T x, x^T C x and x^T y. *)
Definition lin (b x : 'cV[F]_K) : F := (b^T *m x) 0 0.
Definition quad (C : 'M[F]_K) (x : 'cV[F]_K) : F := (x^T *m C *m x) 0 0.
Definition bil (x y : 'cV[F]_K) : F := (x^T *m y) 0 0.

(* Their gradients, justified by the exact first-order expansions below. *)
Definition grad_quad (C : 'M[F]_K) (x : 'cV[F]_K) : 'cV[F]_K := (C + C^T) *m x.

Lemma lin_step (b x d : 'cV[F]_K) (t : F) : lin b (x + t *: d) = lin b x + t * lin b d.
Proof. by rewrite /lin mulmxDr -scalemxAr !mxE. Qed.

Lemma bil_step_l (x y d : 'cV[F]_K) (t : F) : bil (x + t *: d) y = bil x y + t * lin y d.
Proof.
rewrite /bil /lin linearD linearZ /= mulmxDl -scalemxAl !mxE; congr (_ + _ * _).
by apply: eq_bigr => k _; rewrite !mxE mulrC.
Qed.

Lemma bil_step_r (x y d : 'cV[F]_K) (t : F) : bil x (y + t *: d) = bil x y + t * lin x d.
Proof. by rewrite /bil /lin mulmxDr -scalemxAr !mxE. Qed.

Lemma entry_tr_quad (C : 'M[F]_K) (y z : 'cV[F]_K) :
  (y^T *m C^T *m z) 0 0 = (z^T *m C *m y) 0 0.
Proof.
have -> : y^T *m C^T *m z = (z^T *m C *m y)^T by rewrite !trmx_mul trmxK mulmxA.
by rewrite mxE.
Qed.

Theorem quad_step (C : 'M[F]_K) (x d : 'cV[F]_K) (t : F) :
  quad C (x + t *: d) = quad C x + t * lin (grad_quad C x) d + t ^+ 2 * quad C d.
Proof.
have eD (A B : 'M[F]_1) : (A + B) 0 0 = A 0 0 + B 0 0 by rewrite mxE.
have eZ (c : F) (A : 'M[F]_1) : (c *: A) 0 0 = c * A 0 0 by rewrite mxE.
rewrite /quad /lin /grad_quad [(x + t *: d)^T]linearD /= [(t *: d)^T]linearZ /=.
rewrite !mulmxDl !mulmxDr -!scalemxAl -!scalemxAr !eD !eZ.
rewrite [(C *m x + _)^T]linearD /= !trmx_mul trmxK mulmxDl eD entry_tr_quad.
rewrite mulrDr expr2 !mulrA !addrA; congr (_ + _).
by rewrite addrAC.
Qed.

Variables (bA bI bD : F) (a : 'cV[F]_K) (C : 'M[F]_K) (w : 'I_N -> 'cV[F]_K).

(* The potential Phi(W) = sum_m [bA a^T w_m - bI w_m^T C w_m] - bD/(N-1) sum_{m<j} w_m^T w_j. *)
Definition Phi : F :=
  \sum_(i < N) (bA * lin a (w i) - bI * quad C (w i))
  - bD / N.-1%:R * \sum_(i < N) \sum_(j < N | (i < j)%N) bil (w i) (w j).

(* Its partial gradient in w_m, term by term: a for bA a^T w_i (i = m), (C + C^T) w_m for
   w_m^T C w_m, and w_j (resp. w_i) for w_i^T w_j when i = m (resp. j = m). *)
Definition grad_Phi (m : 'I_N) : 'cV[F]_K :=
  \sum_(i < N) (if i == m then bA *: a - bI *: grad_quad C (w i) else 0)
  - (bD / N.-1%:R) *: \sum_(i < N) \sum_(j < N | (i < j)%N)
        ((if i == m then w j else 0) + (if j == m then w i else 0)).

(* Agent m's gradient (Lemma 0): bA a - 2 bI C w_m - bD wbar_{-m}. *)
Definition wbar_minus (m : 'I_N) : 'cV[F]_K := (N.-1%:R)^-1 *: \sum_(j < N | j != m) w j.
Definition grad_u (m : 'I_N) : 'cV[F]_K :=
  bA *: a - (bI *+ 2) *: (C *m w m) - bD *: wbar_minus m.

Theorem potential_gradient (m : 'I_N) : C^T = C -> grad_Phi m = grad_u m.
Proof.
move=> sym; rewrite /grad_Phi /grad_u /wbar_minus pair_sum scalerA.
rewrite (bigD1 m) //= eqxx big1 ?addr0 => [|i /negbTE -> //].
by rewrite /grad_quad sym mulmxDl scalerDr -scalerMnl mulr2n.
Qed.
End Potential.
