"""nashalign.publish.chapters.exclusion: r* and its check against the float closed form."""

from __future__ import annotations

import numpy as np
import pytest

from nashalign.publish.chapters import exclusion
from nashalign.publish.chapters.common import ChapterCheckError


def test_tables_have_a_row_per_instance_and_s():
    table, check = exclusion.steering_tables(s_values=(0.5, 2.0))
    assert table.count("\n") == 1 + 3 * 2
    for row in check.splitlines()[2:]:
        assert abs(float(row.split(" | ")[3])) < 1e-8


def test_a_binding_weight_away_from_tau_fails_the_build(monkeypatch):
    import nashalign.solvers.closed_form as cf

    real = cf.symmetric_ne

    class Shifted:
        def __init__(self, res):
            self.weights = np.asarray(res.weights) + 1e-3

    monkeypatch.setattr(cf, "symmetric_ne", lambda *a, **k: Shifted(real(*a, **k)))
    with pytest.raises(ChapterCheckError, match="binding weight - tau"):
        exclusion.steering_tables(s_values=(8.0,))
