"""Shared pytest configuration: offline model hub, headless matplotlib, helper imports."""

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

# tests/ holds helper modules (strategies.py) imported by the tests in its subfolders.
sys.path.insert(0, str(Path(__file__).parent))
