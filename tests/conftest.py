"""Shared test set-up: a seeded generator, headless matplotlib, figures closed after each test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(20240601)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def good_data(tmp_path) -> Path:
    """A copy of the small synthetic register in tests/data/good."""
    import shutil

    dst = tmp_path / "data"
    shutil.copytree(DATA / "good", dst)
    return dst


@pytest.fixture
def register():
    """The project's real register (validated on load)."""
    from govlib.data import load_register

    return load_register()
