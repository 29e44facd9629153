"""The unit-grid rule: how big a unit grid may be.

:func:`unit_grid_rule` reads Taishang's published bounds (households, or
villager groups, per unit grid) from the register, or takes custom bounds,
and returns a :class:`GridRule`; :func:`implied_totals` is the arithmetic of
a rule applied to a place's published grid count.
"""

from __future__ import annotations

from dataclasses import dataclass

from govlib.data import Register, format_number, load_register
from govlib.errors import ParameterError
from govlib.grid._checks import is_number


#: rule bases the register supports: basis -> (column, figure id of the bounds, label)
_BASES = {
    "households": ("households", "qz-tai-grid-households", "户数"),
    "groups": ("groups", "qz-tai-grid-groups", "村民小组数"),
}


@dataclass(frozen=True)
class GridRule:
    """How big a unit grid may be: a total of ``column`` within [low, high].

    Parameters
    ----------
    low, high : float
        Inclusive bounds on a grid's total of ``column``.
    column : str
        The column of the units table that is summed (``households``).
    label_zh : str
        What the column counts, in Chinese (``户数``).
    source_ids : tuple of str
        Register ids the bounds come from (empty for custom bounds).
    population_target : float or None
        An approximate population per grid, if the rule states one.
    population_id : str or None
        Register id of that population figure.
    """

    low: float
    high: float
    column: str = "households"
    label_zh: str = "户数"
    source_ids: tuple[str, ...] = ()
    population_target: float | None = None
    population_id: str | None = None

    def __post_init__(self):
        for name in ("low", "high"):
            v = getattr(self, name)
            if not is_number(v):
                raise ParameterError(f"grid rule: {name} must be a finite number, got {v!r}")
        if self.low < 0:
            raise ParameterError(f"grid rule: low must not be negative, got {self.low!r}")
        if self.high <= 0:
            raise ParameterError(f"grid rule: high must be positive, got {self.high!r}")
        if self.low > self.high:
            raise ParameterError(
                f"grid rule is impossible: low ({self.low:g}) is greater than high ({self.high:g})")

    @property
    def target(self) -> float:
        """The size grids are balanced towards: the midpoint of [low, high]."""
        return (self.low + self.high) / 2

    @property
    def published(self) -> bool:
        """True when the bounds come from the register."""
        return bool(self.source_ids)

    def describe(self) -> str:
        """One Chinese sentence: the bounds and where they come from."""
        lo, hi = format_number(self.low, None), format_number(self.high, None)
        where = f"取自登记表 {', '.join(self.source_ids)}" if self.published else "自定义（非文章数字）"
        return f"每个单元网格的{self.label_zh}在 {lo}–{hi} 之间（含端点），{where}"


def unit_grid_rule(source: str = "register", *, basis: str = "households", low: float | None = None,
                   high: float | None = None, register: Register | None = None) -> GridRule:
    """The unit-grid rule: Taishang's published bounds, or custom ones.

    Parameters
    ----------
    source : {"register", "custom"}
        ``register``: bounds from the register (Taishang investment zone:
        a range of households, or a range of villager groups, per grid; the
        approximate population per grid is attached).  ``custom``: use
        ``low`` and ``high``; they are ignored otherwise.
    basis : {"households", "groups"}
        What a grid's size counts: households, or villager groups (村民小组).
    low, high : float, optional
        Custom bounds (required when ``source="custom"``).
    register : Register, optional

    Returns
    -------
    GridRule

    Raises
    ------
    ParameterError
        For an unknown source or basis, missing custom bounds, or an
        impossible rule (low > high, negative low, non-positive high).
    """
    if basis not in _BASES:
        raise ParameterError(f"basis must be one of {', '.join(_BASES)}, got {basis!r}")
    column, fid, label = _BASES[basis]
    if source == "custom":
        if low is None or high is None:
            raise ParameterError("source='custom' needs both low and high")
        return GridRule(low=low, high=high, column=column, label_zh=label)
    if source != "register":
        raise ParameterError(f"source must be 'register' or 'custom', got {source!r}")
    reg = register or load_register()
    f = reg.figure(fid)
    pop = reg.figure("qz-tai-grid-population")
    return GridRule(low=f.low, high=f.high, column=column, label_zh=label, source_ids=(fid,),
                    population_target=pop.value, population_id=pop.id)


def implied_totals(grid_count_id: str, rule: GridRule, *, register: Register | None = None) -> dict:
    """What a rule implies for a place's total if *every* grid obeyed it.

    E.g. Taishang's grid count times the household bounds gives the range of
    households the zone would have if each unit grid held between low and
    high households.  This is arithmetic on the rule, not a published total.

    Returns
    -------
    dict
        ``grids``, ``low``, ``high`` (totals of ``rule.column``) and
        ``population`` (grids × the rule's population target, or None).
    """
    reg = register or load_register()
    n = reg.value(grid_count_id)
    return {"grids": n, "low": n * rule.low, "high": n * rule.high,
            "population": n * rule.population_target if rule.population_target is not None else None}
