"""Grid-governance arithmetic from the Quanzhou practices (网格化治理).

The Quanzhou article (施美萍 2022, section 一) reports how several places in the
city organise grids and street heads: Licheng's party street heads and its
community and micro grids, Shishi's "两长一员", Nan'an's three grid levels,
Taishang's unit-grid rule and Jinjiang's mediation rooms.  This package does
three things with those counts, always loading them from the register:

* **ratios** (:func:`ratio`, :data:`RATIOS`) — one published count divided by
  another *for the same place*, computed on the fly and never written back
  into the register.  Ratios the article's counts do not support are listed
  with the reason in :data:`NOT_COMPUTABLE`;
* **grid structures** (:data:`STRUCTURES`, :func:`structure_table`,
  :func:`plot_structures`) — the levels each place reports and how many grids
  of one level sit, on average, under a grid of the level above;
* **grid sizing** (:class:`GridRule`, :func:`unit_grid_rule`,
  :func:`size_grids`, :func:`staff_plan`) — given units in their order along a
  street or a township (villages, compounds), form contiguous unit grids whose
  totals respect the rule (by default Taishang's, read from the register) and
  report the units that cannot be placed.  :func:`hypothetical_units` makes a
  seeded example table, marked as hypothetical, because the article publishes
  no household counts of villages.

Every function that takes a table or bounds checks them and raises
:class:`~govlib.errors.DataError` (bad table) or
:class:`~govlib.errors.ParameterError` (bad bounds or options) naming the
parameter, row and column at fault.

Submodules (every public name is re-exported here, so ``from govlib import
grid`` is all a lesson needs):

* :mod:`govlib.grid.ratios` — :class:`Ratio`, :data:`RATIOS`,
  :data:`NOT_COMPUTABLE`, :func:`ratio`, :func:`ratios`, :func:`ratio_table`,
  :func:`not_computable_table`;
* :mod:`govlib.grid.structure` — :data:`STRUCTURES`, :func:`structure_table`;
* :mod:`govlib.grid.rule` — the unit-grid rule: :class:`GridRule`,
  :func:`unit_grid_rule`, :func:`implied_totals`;
* :mod:`govlib.grid.partition` — the exact (DP) and greedy partitions of units
  in order, and why a unit is left out (internal to sizing);
* :mod:`govlib.grid.cutting` — the article's procedure: :func:`cut_grids`
  divides units in order into grids of the rule's size, splitting villages
  across grid boundaries where needed (:class:`CutPlan`);
* :mod:`govlib.grid.sizing` — :class:`GridPlan`, :func:`size_grids`,
  :func:`compare_plans`, :func:`staff_plan`;
* :mod:`govlib.grid.villages` — :func:`hypothetical_units`;
* :mod:`govlib.grid.charts` — :func:`plot_ratios`, :func:`plot_structures`,
  :func:`plot_plan` (matplotlib is imported only when a chart is drawn);
* :mod:`govlib.grid._checks` — shared argument checks (internal).
"""

from govlib.grid.cutting import CutPlan, choose_grid_count, cut_grids
from govlib.grid.charts import plot_plan, plot_ratios, plot_structures
from govlib.grid.ratios import NOT_COMPUTABLE, RATIOS, Ratio, not_computable_table, ratio, ratio_table, ratios
from govlib.grid.rule import GridRule, implied_totals, unit_grid_rule
from govlib.grid.sizing import ZH_COLUMNS, GridPlan, compare_plans, size_grids, staff_plan, zh_columns
from govlib.grid.structure import STRUCTURES, structure_table
from govlib.grid.villages import hypothetical_units

__all__ = [
    "Ratio", "RATIOS", "NOT_COMPUTABLE", "ratio", "ratios", "ratio_table", "not_computable_table", "plot_ratios",
    "STRUCTURES", "structure_table", "plot_structures",
    "GridRule", "unit_grid_rule", "implied_totals",
    "CutPlan", "cut_grids", "choose_grid_count", "ZH_COLUMNS", "zh_columns",
    "GridPlan", "size_grids", "compare_plans", "staff_plan", "hypothetical_units", "plot_plan",
]
