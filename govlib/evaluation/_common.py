"""Helpers shared by the modules of :mod:`govlib.evaluation` (not part of its API).

The register, the checks of parameters and input frames, and the marks of
synthetic or hypothetical data that results carry over from their inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from govlib.errors import ParameterError

#: id of the framework file of the mechanism (``data/frameworks/xiamen-127.yaml``)
FRAMEWORK = "xiamen-127"


def reg(register=None):
    """*register*, or the project's register (:func:`govlib.data.load_register`) when None."""
    if register is not None:
        return register
    from govlib.data import load_register

    return load_register()


def is_real(value) -> bool:
    """True for an int or float (numpy's too), False for a bool or anything else."""
    return not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))


def check_whole(value, name: str, least: int) -> None:
    """Raise ParameterError unless *value* is a whole number (not a bool) of at least *least*.

    Parameters
    ----------
    value : object
        The parameter's value.
    name : str
        The parameter's name, for the message.
    least : int
        The smallest value allowed.

    Raises
    ------
    ParameterError
        ``"{name} must be a whole number ≥ {least}, got {value!r}"``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ParameterError(f"{name} must be a whole number ≥ {least}, got {value!r}")


def largest_remainder(raw: np.ndarray, total: float, *, slack: float = 0.0) -> np.ndarray:
    """Round the amounts *raw* (1-d) down to whole numbers, then add 1 to the largest remainders.

    Parameters
    ----------
    raw : numpy.ndarray
        Amounts in units of the rounding step, summing to *total*.
    total : float
        A whole number (up to rounding error): what the result sums to.
    slack : float
        Added before rounding down, so that amounts a hair below a whole
        number count as that number.

    Returns
    -------
    numpy.ndarray of float
        Whole numbers summing to *total*; ties of remainders go to the earlier entry.
    """
    base = np.floor(raw + slack)
    left = int(round(total - base.sum()))
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:left]] += 1
    return base


def check_columns(df: pd.DataFrame, needed, name: str) -> None:
    """Check that *df* is a DataFrame with the columns *needed*, numeric but for ``unit`` and ``dimension``.

    Raises
    ------
    ParameterError
        Naming the missing columns, or the first row whose value is not a number.
    """
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise ParameterError(f"{name} is missing column(s) {', '.join(missing)}; "
                             f"it has {', '.join(map(str, df.columns))}")
    for c in needed:
        if c in ("unit", "dimension"):
            continue
        vals = pd.to_numeric(df[c], errors="coerce")
        bad = vals.isna()
        if bad.any():
            i = bad.to_numpy().nonzero()[0][0]
            raise ParameterError(f"{name}: column '{c}' must hold numbers; row {i} has {df[c].iloc[i]!r}")


def mark_as(df: pd.DataFrame, info: dict | None) -> pd.DataFrame:
    """Mark *df* with a provenance ``{"kind": …, "how": …}`` when there is one; return it."""
    if info:
        from govlib import synthetic

        synthetic.mark(df, info["kind"], info["how"])
    return df


def keep_marks(src: pd.DataFrame, out: pd.DataFrame) -> pd.DataFrame:
    """Give *out* the synthetic/hypothetical mark of *src*, if it has one; return *out*."""
    from govlib import synthetic

    return mark_as(out, synthetic.provenance(src))
