"""Argument checks shared by the grid modules (internal)."""

from __future__ import annotations

import math

import numpy as np


def is_number(v) -> bool:
    """True for a finite real number (Python's or numpy's int or float), never for a bool."""
    return (not isinstance(v, bool) and isinstance(v, (int, float, np.integer, np.floating))
            and math.isfinite(v))


def is_whole(v) -> bool:
    """True for a whole number (Python's or numpy's int), never for a bool."""
    return not isinstance(v, bool) and isinstance(v, (int, np.integer))
