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


@pytest.fixture
def demo(monkeypatch):
    """Register the fixture lesson ``demo`` here and in every kernel a grader starts; remove it after."""
    import importlib
    import sys

    from govlib.exercises import core

    grading = DATA / "grading"
    monkeypatch.syspath_prepend(str(grading))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(grading), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv(core.BANKS_ENV, "govlib_demo_bank")
    importlib.import_module("govlib_demo_bank")
    yield
    for k in [k for k, e in core._REGISTRY.items() if e.lesson == "demo"]:
        del core._REGISTRY[k]
    sys.modules.pop("govlib_demo_bank", None)
