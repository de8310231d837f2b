(* Lemma 2: alpha(r) = 1^T adj(2C + rI) 1 is a polynomial in r of degree K - 1
   with leading coefficient K.  Coq 8.16 + mathcomp 1.15. *)
From mathcomp Require Import all_ssreflect all_algebra.
From NashAlign Require Import Bordered Theorem1.

Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.

Import GRing.Theory Num.Theory.
Local Open Scope ring_scope.

Section Lemma2.
Variable F : fieldType.
Variable n : nat.

(* M(X) = 2C + X I as a matrix of polynomials, and alpha(X) = 1^T adj(M(X)) 1. *)
Definition MX (C : 'M[F]_n) : 'M[{poly F}]_n := char_poly_mx (- (C *+ 2)).
Definition alpha_poly (C : 'M[F]_n) : {poly F} := alpha (MX C).
Definition Jmx : 'M[F]_n := const_mx 1.

(* Evaluating alpha(X) at r gives alpha(2C + rI). *)
Lemma alpha_poly_eval (C : 'M[F]_n) (r : F) : (alpha_poly C).[r] = alpha (Mr C r).
Proof.
have hM : map_mx (horner_eval r) (MX C) = Mr C r.
  apply/matrixP => i j; rewrite /MX /Mr !mxE horner_evalE hornerD hornerN.
  by rewrite hornerMn hornerX hornerC opprK addrC.
have h1 : forall m, map_mx (horner_eval r) (ones _ m) = ones F m.
  by move=> m; apply/matrixP => i j; rewrite !mxE horner_evalE hornerC.
have hE : forall X : 'M[{poly F}]_1, (X 0 0).[r] = (map_mx (horner_eval r) X) 0 0.
  by move=> X; rewrite mxE.
by rewrite /alpha_poly /alpha hE !map_mxM -map_trmx h1 map_mx_adj hM.
Qed.

(* alpha(X) = det(X I + 2C + J) - det(X I + 2C): two characteristic polynomials. *)
Lemma alpha_poly_char (C : 'M[F]_n) :
  alpha_poly C = char_poly (- (C *+ 2) - Jmx) - char_poly (- (C *+ 2)).
Proof.
have e : char_poly_mx (- (C *+ 2) - Jmx)
         = MX C + ones [ringType of {poly F}] n *m (ones [ringType of {poly F}] n)^T.
  apply/matrixP => i j; rewrite /MX !mxE big_ord1 !mxE mulr1.
  by rewrite rmorphB rmorph1 opprB addrA addrAC.
by rewrite /char_poly e det_rank1_update addrC addKr.
Qed.

Lemma tr_Jmx : \tr Jmx = n%:R.
Proof.
rewrite /mxtrace (eq_bigr (fun=> 1)) ?sumr_const ?card_ord // => i _.
by rewrite mxE.
Qed.

(* Lemma 2: degree K - 1 (size K) and leading coefficient K, where K != 0 in F. *)
Theorem lemma2_degree (C : 'M[F]_n) :
  (0 < n)%N -> n%:R != 0 :> F ->
  size (alpha_poly C) = n /\ lead_coef (alpha_poly C) = n%:R.
Proof.
move=> n0 nz; set p := char_poly (- (C *+ 2) - Jmx); set q := char_poly (- (C *+ 2)).
have sp : size p = n.+1 by apply: size_char_poly.
have sq : size q = n.+1 by apply: size_char_poly.
have lp : p`_n = 1 by move/monicP: (char_poly_monic (- (C *+ 2) - Jmx)); rewrite lead_coefE sp.
have lq : q`_n = 1 by move/monicP: (char_poly_monic (- (C *+ 2))); rewrite lead_coefE sq.
have cn1 : (alpha_poly C)`_n.-1 = n%:R.
  rewrite alpha_poly_char coefB !char_poly_trace // !raddfB /= raddfN /=.
  by rewrite !opprK addrAC subrr add0r tr_Jmx.
have le : (size (alpha_poly C) <= n)%N.
  apply/leq_sizeP => j; rewrite leq_eqVlt => /orP[/eqP <-|nj].
    by rewrite alpha_poly_char coefB lp lq subrr.
  by rewrite alpha_poly_char coefB !nth_default ?subrr // ?sp ?sq.
have ge : (n <= size (alpha_poly C))%N.
  rewrite leqNgt; apply/negP => lt; move: nz; rewrite -cn1 nth_default ?eqxx //.
  by rewrite -ltnS prednK.
have sz : size (alpha_poly C) = n by apply/eqP; rewrite eqn_leq le ge.
by split => //; rewrite lead_coefE sz.
Qed.

(* Over a field of characteristic 0 (numFieldType) the hypothesis K != 0 is automatic. *)
End Lemma2.

Theorem lemma2_degree_char0 (F : numFieldType) n (C : 'M[F]_n) :
  (0 < n)%N ->
  size (alpha_poly C) = n /\ lead_coef (alpha_poly C) = n%:R.
Proof. by move=> n0; apply: lemma2_degree => //; rewrite pnatr_eq0 -lt0n. Qed.
