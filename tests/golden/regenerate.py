"""Regenerate the golden files of derived expressions (run after an intended change).

    .venv/bin/python tests/golden/regenerate.py

Review the diff before committing: a golden file changes only when the
derivation changed on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

from nashalign.derivations import derive
from nashalign.records import expr_to_json

HERE = Path(__file__).parent

#: (result, K, N, expression keys) pinned by the golden files.
GOLDEN = [
    ("theorem1", 2, 2, ["alpha", "det_M", "w0", "v", "w_star", "lambda_star"]),
    ("theorem1", 3, 2, ["alpha", "det_M", "w0", "v", "w_star", "lambda_star"]),
    ("lemma2", 2, 2, ["alpha", "leading_coefficient"]),
    ("lemma2", 3, 2, ["alpha", "leading_coefficient"]),
    ("theorem2", 2, 3, ["M_tilde", "alpha_tilde", "leading_coefficient"]),
    ("theorem2", 3, 3, ["M_tilde", "alpha_tilde", "leading_coefficient"]),
    ("theorem3", 2, 2, ["Phi", "r_bound_e1_minus_e2"]),
    ("theorem3", 3, 3, ["r_bound_e1_minus_e2"]),
    ("exclusion", 2, 2, ["steering_polynomials", "s_threshold"]),
    ("exclusion", 3, 2, ["steering_polynomials", "s_threshold"]),
]


def golden_path(name: str, K: int, N: int) -> Path:
    """Path of one golden file."""
    return HERE / f"{name}_K{K}_N{N}.json"


def main() -> None:
    for name, K, N, keys in GOLDEN:
        rec = derive(name, K=K, N=N)
        assert rec.verified, name
        data = {k: expr_to_json(rec.expressions[k]) for k in keys}
        golden_path(name, K, N).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print("wrote", golden_path(name, K, N).name)


if __name__ == "__main__":
    main()
