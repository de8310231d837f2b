"""Fixtures of the figure tests: one random instance and its heatmaps in the three planes,
computed once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from figure_support import PLANES, RES, make_instance  # noqa: E402

from nashalign.figures import HeatmapData, compute_heatmap  # noqa: E402
from nashalign.instance import Instance  # noqa: E402


@pytest.fixture(scope="session")
def inst() -> Instance:
    return make_instance()


@pytest.fixture(scope="session")
def plane_maps(inst: Instance) -> dict[tuple[str, str], HeatmapData]:
    return {ax: compute_heatmap(inst, axes=ax, resolution=RES, progress=False) for ax in PLANES}
