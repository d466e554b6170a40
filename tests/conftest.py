"""Test configuration: point the data cache at ../shared/data so nothing is downloaded."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

if "T2LIB_DATA_DIR" not in os.environ and SHARED.is_dir():
    os.environ["T2LIB_DATA_DIR"] = str(SHARED)
