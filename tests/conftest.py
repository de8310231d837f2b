"""Shared pytest configuration: offline model hub, headless matplotlib, helper imports."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

# tests/ holds helper modules (strategies.py) imported by the tests in its subfolders.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep ``xdist_group`` working where pytest stores node ids as ``NodeId`` (pytest >= 9).

    pytest-xdist (3.8) groups tests under ``--dist loadgroup`` by appending ``@group`` to
    ``item._nodeid``, which pytest 9 no longer reads, so every group was spread over all
    workers (each one starting its own local Ray and compiling the Coq project again).
    Where the suffix did not take, it is set on the id pytest does read. Nothing changes
    without xdist, or where xdist's own suffix works.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})  # fmt: skip
        if not names or "@" in item.nodeid or not hasattr(item, "_id"):
            continue
        from _pytest.nodeid import NodeId

        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(names)}")
