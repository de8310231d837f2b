"""Shared pytest configuration (tests and src doctests): offline model hub, headless matplotlib."""

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

# tests/ holds helper modules (strategies.py, golden/) imported by the tests.
sys.path.insert(0, str(Path(__file__).parent / "tests"))
