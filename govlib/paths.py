"""Every path the project uses, in one place.

The package is installed in editable mode from the repository, so the data,
notebooks and course folders sit beside it.  Set ``GOVLIB_ROOT`` to point at
another checkout (tests use it to build from temporary copies).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("GOVLIB_ROOT", PACKAGE.parent)).resolve()

DATA = ROOT / "data"
SOURCES_CSV = DATA / "sources.csv"
FIGURES_CSV = DATA / "figures.csv"
UNITS_CSV = DATA / "units.csv"
FRAMEWORKS = DATA / "frameworks"

NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "course"
SYLLABUS = COURSE / "course.yml"
BUILD = COURSE / "_build"

TEMPLATES = PACKAGE / "templates"
LOCK = ROOT / "constraints.txt"

__all__ = [
    "PACKAGE", "ROOT", "DATA", "SOURCES_CSV", "FIGURES_CSV", "UNITS_CSV",
    "FRAMEWORKS", "NOTEBOOKS", "COURSE", "SYLLABUS", "BUILD", "TEMPLATES", "LOCK",
]
