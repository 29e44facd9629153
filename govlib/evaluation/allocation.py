"""The 1:2:7 division of community governance between management, consultation and service."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from govlib.errors import DataError, ParameterError, Problem
from govlib.evaluation._common import FRAMEWORK, is_real, largest_remainder, reg

__all__ = ["SHARE_IDS", "PART_NODES", "allocation_shares", "allocate", "part_of"]

#: part of the mechanism -> register id of its share (1:2:7 as 10%/20%/70%)
SHARE_IDS: dict[str, str] = {"管理": "xm-share-management", "协商": "xm-share-consultation",
                             "服务": "xm-share-service"}
#: part of the mechanism -> id of its node in data/frameworks/xiamen-127.yaml
PART_NODES: dict[str, str] = {"管理": "management", "协商": "consultation", "服务": "service"}


def allocation_shares(register=None) -> dict[str, float]:
    """The shares of management, consultation and service (fractions, from the register)."""
    r = reg(register)
    out = {part: r.value(fid) / 100 for part, fid in SHARE_IDS.items()}
    if abs(sum(out.values()) - 1) > 1e-9:
        raise DataError(Problem("data/figures.csv", "the shares of " + ", ".join(SHARE_IDS.values())
                                + " do not sum to 100%"))
    return out


def allocate(total: float, *, shares: Mapping[str, float] | None = None, step: float | None = None,
             register=None) -> pd.DataFrame:
    """Split a working week or a budget 1:2:7 (or by other shares).

    Parameters
    ----------
    total : float
        Hours, days, yuan … (≥ 0).
    shares : mapping, optional
        Part -> share (default: the register's, :func:`allocation_shares`).
    step : float, optional
        Round every amount to a multiple of *step* (e.g. 0.5 hour, 100 yuan)
        keeping the total, by largest remainders; *total* must then be a
        multiple of *step*.

    Returns
    -------
    DataFrame
        Indexed by part: ``share`` and ``amount``.
    """
    if not is_real(total) or not math.isfinite(total) or total < 0:
        raise ParameterError(f"total must be a finite number ≥ 0, got {total!r}")
    sh = allocation_shares(register) if shares is None else dict(shares)
    vals = np.array(list(sh.values()), float)
    if (vals < 0).any() or abs(vals.sum() - 1) > 1e-6:
        raise ParameterError("shares must be non-negative and sum to 1")
    raw = vals * float(total)
    if step is None:
        amount = raw
    else:
        if not step > 0:
            raise ParameterError(f"step must be positive, got {step!r}")
        units_total = total / step
        if abs(units_total - round(units_total)) > 1e-9:
            raise ParameterError(f"total ({total}) is not a multiple of step ({step})")
        amount = largest_remainder(raw / step, units_total, slack=1e-9) * step
    return pd.DataFrame({"share": vals, "amount": amount}, index=pd.Index(list(sh), name="part"))


def part_of(node_id: str, framework=None) -> str:
    """Which part of 1:2:7 (``管理``, ``协商`` or ``服务``) a framework node belongs to.

    Raises
    ------
    KeyError
        When the node is not in the framework or not under one of the three parts.
    """
    from govlib.frameworks.tree import as_framework, find_node, iter_nodes

    fw = as_framework(framework if framework is not None else FRAMEWORK)
    find_node(fw, node_id)  # KeyError naming near ids when unknown
    for part, nid in PART_NODES.items():
        if any(n.id == node_id for n in iter_nodes(find_node(fw, nid))):
            return part
    raise KeyError(f"node {node_id!r} is not under {', '.join(PART_NODES.values())}")
