"""Grid arithmetic: ratios of published counts, grid structures, and grid sizing under the unit-grid rule."""

from __future__ import annotations

import itertools
import math
import warnings

import pandas as pd
import pytest

from govlib import grid
from govlib.errors import DataError, ParameterError
from govlib.synthetic import provenance


def _units(values, column="households"):
    return pd.DataFrame({"name": [f"u{i + 1}" for i in range(len(values))], column: values})


def _members(plan):
    return plan.grids["members"].tolist()


# ----------------------------------------------------------------------------
# ratios, against hand arithmetic on the published counts
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("key, expected", [
    # 鲤城区：17824户 ÷ 149条 = 119.62…
    ("licheng-households-per-lane", 17824 / 149),
    # 鲤城区：5321户 ÷ 149条 = 35.71…
    ("licheng-shops-per-lane", 5321 / 149),
    # 鲤城区：472个微网格 ÷ 85个社区网格 = 5.55…
    ("licheng-micro-per-community", 472 / 85),
    # 石狮市：733名网格员 ÷ 235名街巷长 = 3.12…
    ("shishi-grid-workers-per-lane-head", 733 / 235),
    # 石狮市：318名楼长 ÷ 235名街巷长 = 1.35…
    ("shishi-building-heads-per-lane-head", 318 / 235),
    # 南安市：3365个二级网格 ÷ 445个一级网格 = 7.56…
    ("nanan-l2-per-l1", 3365 / 445),
    # 南安市：3372个单元网格 ÷ 3365个二级网格 = 1.002…
    ("nanan-unit-per-l2", 3372 / 3365),
    # 台商投资区：193个单元网格 ÷ 16个片区 = 12.06…
    ("tai-units-per-area", 193 / 16),
    # 晋江市：4933人 ÷ 415个评理室 = 11.89…
    ("jinjiang-arbiters-per-room", 4933 / 415),
    # 泉州市：879万人 = 8 790 000人，÷ 2508个村（社区） = 3504.8…
    ("quanzhou-people-per-village", 8_790_000 / 2508),
])
def test_ratios_match_hand_arithmetic(key, expected):
    (r,) = grid.ratios([key])
    assert r.value == pytest.approx(expected, rel=1e-12)
    assert r.text(1).endswith("（推算）")


def test_ratio_text_rounds_and_marks_derived():
    (r,) = grid.ratios(["licheng-households-per-lane"])
    assert r.text(1) == "119.6户/条（推算）"  # 17824 / 149 = 119.624…
    assert r.place == "鲤城区" and not r.approx


def test_ratio_refuses_counts_of_different_places():
    with pytest.raises(ValueError, match="same place"):
        grid.ratio("qz-licheng-households", "qz-shishi-lane-heads")


@pytest.mark.parametrize("num, den, what", [
    ("qz-tai-grid-households", "qz-tai-unit-grids", "range"),
    ("qz-fig1-rank-powers", "qz-fig1-rank-finance", "rank"),
    ("qz-politburo-opinion", "qz-villages-total", "date"),
    ("qz-dehua-realname-rate", "qz-dehua-firms-wage-accounts", "not a count"),
])
def test_ratio_refuses_non_counts(num, den, what):
    with pytest.raises(ValueError, match=what):
        grid.ratio(num, den)


def test_not_computable_ratios_say_why():
    with pytest.raises(KeyError, match="街巷长人数"):
        grid.ratios(["licheng-households-per-street-head"])
    with pytest.raises(KeyError, match="unknown ratio"):
        grid.ratios(["no-such-ratio"])
    for key in grid.NOT_COMPUTABLE:
        assert key not in grid.RATIOS


def test_every_ratio_pairs_counts_of_one_place(register):
    for num, den, _, _ in grid.RATIOS.values():
        assert register.figure(num).group == register.figure(den).group


def test_ratio_table_cites_inputs_as_spans():
    html = grid.ratio_table(["jinjiang-arbiters-per-room"]).html
    assert 'data-fig="qz-jinjiang-arbiters"' in html and 'data-fig="qz-jinjiang-rooms"' in html
    assert "11.9人/个（推算）" in html  # 4933 / 415 = 11.887


def test_plot_ratios_refuses_mixed_units():
    with pytest.raises(ValueError, match="different units"):
        grid.plot_ratios(["licheng-households-per-lane", "tai-units-per-area"])


# ----------------------------------------------------------------------------
# grid structures
# ----------------------------------------------------------------------------

def test_structure_table_levels_and_fan_out():
    tab = grid.structure_table("南安市")
    assert tab["count"].tolist() == [445, 3365, 3372]  # published 一级、二级、单元网格
    assert math.isnan(tab["per_parent"].iloc[0])
    assert tab["per_parent"].iloc[1] == pytest.approx(3365 / 445)
    with pytest.raises(KeyError, match="known"):
        grid.structure_table("厦门市")


def test_plots_render_without_missing_glyphs(tmp_path):
    from govlib.plotting import savefig

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        savefig(grid.plot_structures(title="网格层级"), tmp_path / "s.png")
        ax = grid.plot_ratios(["nanan-l2-per-l1", "tai-units-per-area"])
        savefig(ax.figure, tmp_path / "r.png")
        rule = grid.unit_grid_rule()
        units = grid.hypothetical_units(12, seed=3, n_large=1, rule=rule)
        savefig(grid.plot_plan(grid.size_grids(units, rule), title="示例"), tmp_path / "p.png")


# ----------------------------------------------------------------------------
# the rule
# ----------------------------------------------------------------------------

def test_register_rule_is_taishangs():
    hh = grid.unit_grid_rule()
    assert (hh.low, hh.high, hh.column) == (300, 500, "households")  # 每300-500户
    assert hh.population_target == 1500  # 实有人口1500人左右
    assert hh.published and "qz-tai-grid-households" in hh.describe()
    gr = grid.unit_grid_rule(basis="groups")
    assert (gr.low, gr.high, gr.column) == (3, 5, "groups")  # 或3-5个村民小组


def test_custom_rule_ignores_register_and_is_labelled():
    r = grid.unit_grid_rule("custom", low=10, high=20)
    assert (r.low, r.high) == (10, 20) and not r.published
    assert "自定义" in r.describe()
    # custom bounds are not used when the register is chosen
    assert grid.unit_grid_rule("register", low=10, high=20).low == 300


@pytest.mark.parametrize("kwargs, match", [
    ({"source": "custom", "low": 600, "high": 500}, "impossible"),
    ({"source": "custom", "low": -1, "high": 500}, "low must not be negative"),
    ({"source": "custom", "low": 0, "high": 0}, "high must be positive"),
    ({"source": "custom", "low": float("nan"), "high": 5}, "finite"),
    ({"source": "custom", "low": 300}, "needs both low and high"),
    ({"source": "article"}, "source must be"),
    ({"basis": "people"}, "basis must be"),
])
def test_bad_rules_are_refused(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        grid.unit_grid_rule(**kwargs)


def test_implied_totals_for_taishang():
    out = grid.implied_totals("qz-tai-unit-grids", grid.unit_grid_rule())
    assert out["low"] == 193 * 300 == 57_900
    assert out["high"] == 193 * 500 == 96_500
    assert out["population"] == 193 * 1500 == 289_500


# ----------------------------------------------------------------------------
# sizing on hand-made fixtures (rule 300–500 households)
# ----------------------------------------------------------------------------

RULE = grid.GridRule(low=300, high=500)


def test_unique_valid_partition_is_found():
    # only [200+150] [300] [250+100] works: 200+150+300 = 650 > 500, 200 < 300
    plan = grid.size_grids(_units([200, 150, 300, 250, 100]), RULE)
    assert plan.feasible
    assert _members(plan) == ["u1、u2", "u3", "u4、u5"]
    assert plan.grids["total"].tolist() == [350, 300, 350]


def test_dp_places_all_where_greedy_strands_the_tail():
    units = _units([300, 100, 250])
    greedy = grid.size_grids(units, RULE, method="greedy")
    # greedy: 300+100 = 400, +250 = 650 > 500 → close; tail 250 < 300 is stranded
    assert _members(greedy) == ["u1、u2"]
    assert greedy.unplaced["reason_code"].tolist() == ["tail_below_low"]
    dp = grid.size_grids(units, RULE)
    assert dp.feasible and _members(dp) == ["u1", "u2、u3"]  # 300 | 100+250 = 350
    both = grid.compare_plans({"dp": dp, "greedy": greedy})
    assert both.loc["形成网格数"].tolist() == [2, 1]
    assert both.loc["未入格单元的户数合计"].tolist() == [0, 250]


def test_dp_balances_towards_the_middle():
    # two full partitions exist:
    #   [150+150 | 100+200+200] = (300, 500): squared deviations from 400 = 100² + 100² = 20000
    #   [150+150+100 | 200+200] = (400, 400): 0 + 0 = 0  ← the balanced one
    plan = grid.size_grids(_units([150, 150, 100, 200, 200]), RULE)
    assert plan.grids["total"].tolist() == [400, 400]
    # [160]*5: only 2 units (320) or 3 units (480) make a grid, so 5 = 2 + 3 or 3 + 2;
    # both cost (320-400)² + (480-400)² = 12800, so either order is optimal
    plan = grid.size_grids(_units([160] * 5), RULE)
    assert sorted(plan.grids["n_units"].tolist()) == [2, 3]


def test_oversized_unit_is_reported():
    plan = grid.size_grids(_units([350, 600, 400]), RULE)
    assert _members(plan) == ["u1", "u3"]
    assert plan.unplaced["name"].tolist() == ["u2"]
    assert plan.unplaced["reason_code"].tolist() == ["above_high"]
    assert plan.uncovered == 600
    assert "拆分" in plan.unplaced["reason"].iloc[0]


def test_short_tail_is_reported():
    # 450 + 100 = 550 > 500, and 100 < 300 alone
    plan = grid.size_grids(_units([450, 100]), RULE)
    assert _members(plan) == ["u1"]
    assert plan.unplaced["reason_code"].tolist() == ["tail_below_low"]


def test_whole_table_below_low_gives_no_grid():
    plan = grid.size_grids(_units([50, 60]), RULE)
    assert plan.n_grids == 0 and not plan.feasible
    assert plan.unplaced["reason_code"].tolist() == ["tail_below_low"] * 2
    assert plan.summary().set_index("项目").loc["未入格单元的户数合计", "数值"] == 110


def test_run_that_cannot_fit_either_way():
    # 250 < 300, 260 < 300, 250 + 260 = 510 > 500
    plan = grid.size_grids(_units([250, 260]), RULE)
    assert plan.n_grids == 0
    assert plan.unplaced["reason_code"].tolist() == ["no_fit", "no_fit"]


def test_small_unit_between_oversized_units():
    plan = grid.size_grids(_units([600, 100, 700, 400]), RULE)
    assert _members(plan) == ["u4"]
    codes = dict(zip(plan.unplaced["name"], plan.unplaced["reason_code"]))
    assert codes == {"u1": "above_high", "u2": "below_low", "u3": "above_high"}


def test_groups_basis():
    rule = grid.unit_grid_rule(basis="groups")  # 3–5 villager groups per grid
    plan = grid.size_grids(_units([2, 1, 2, 3, 1, 1], column="groups"), rule)
    assert plan.feasible
    assert all(3 <= t <= 5 for t in plan.grids["total"])
    assert plan.grids["n_units"].sum() == 6


def test_population_is_summed_per_grid():
    units = _units([200, 150, 300])
    units["population"] = [600, 500, 900]
    plan = grid.size_grids(units, RULE)
    assert plan.grids["population"].tolist() == [1100, 900]


# ----------------------------------------------------------------------------
# exactness against brute force, and the rule on random fixtures
# ----------------------------------------------------------------------------

def _brute_force(h, low, high):
    """Best cost over every labelling: each unit skipped, starts a group or continues one."""
    target = (low + high) / 2
    best = None
    for labels in itertools.product("sbc", repeat=len(h)):
        if labels and labels[0] == "c":
            continue
        if any(b == "c" and a == "s" for a, b in zip(labels, labels[1:])):
            continue
        groups, skipped = [], []
        for x, lab in zip(h, labels):
            if lab == "s":
                skipped.append(x)
            elif lab == "b":
                groups.append(x)
            else:
                groups[-1] += x
        if any(not low <= g <= high for g in groups):
            continue
        cost = (sum(skipped), len(skipped), sum((g - target) ** 2 for g in groups), len(groups))
        best = cost if best is None or cost < best else best
    return best


def _plan_cost(plan):
    t = plan.rule.target
    return (plan.uncovered, len(plan.unplaced),
            sum((g - t) ** 2 for g in plan.grids["total"]), plan.n_grids)


def test_dp_matches_brute_force_on_random_fixtures(rng):
    for _ in range(60):
        n = int(rng.integers(1, 8))
        h = rng.integers(0, 320, n).tolist()
        low = int(rng.integers(50, 300))
        high = low + int(rng.integers(0, 250))
        rule = grid.GridRule(low=low, high=high)
        plan = grid.size_grids(_units(h), rule)
        best = _brute_force(h, low, high)
        assert _plan_cost(plan) == pytest.approx(best), (h, low, high)
        # feasible exactly when some labelling skips nothing
        assert plan.feasible == (best[1] == 0), (h, low, high)


def test_every_grid_respects_the_rule(rng):
    rule = grid.unit_grid_rule()
    for seed in rng.integers(0, 10_000, 15):
        units = grid.hypothetical_units(30, seed=int(seed), n_large=2, rule=rule)
        for method in ("dp", "greedy"):
            plan = grid.size_grids(units, rule, method=method)
            assert plan.grids["total"].between(rule.low, rule.high).all()
            # grids are runs of consecutive units, in order, and no unit is used twice
            placed = plan.units["grid"].dropna().astype(int).tolist()
            assert placed == sorted(placed)
            assert plan.grids["n_units"].sum() + len(plan.unplaced) == len(units)
            assert set(plan.unplaced["reason_code"]) <= {"above_high", "tail_below_low", "below_low", "no_fit"}
            assert (plan.unplaced.loc[plan.unplaced["households"] > rule.high, "reason_code"] == "above_high").all()
        # the exact plan never leaves more households out than the greedy one
        assert grid.size_grids(units, rule).uncovered <= grid.size_grids(units, rule, method="greedy").uncovered


# ----------------------------------------------------------------------------
# bad input
# ----------------------------------------------------------------------------

def test_empty_table_is_refused():
    with pytest.raises(DataError, match="单位表：是空的"):
        grid.size_grids(_units([]), RULE)


def test_negative_households_name_the_row_and_column():
    with pytest.raises(DataError, match="不能是负数") as exc:
        grid.size_grids(_units([100, -5, 300]), RULE)
    msg = str(exc.value)
    assert msg == "单位表，字段 households：第 2 行（u2）：不能是负数（现为 -5）"


@pytest.mark.parametrize("values, match", [
    ([100, "many"], "第 2 行（u2）：应为数字"),
    ([100, float("nan")], "第 2 行（u2）：应为数字"),
    ([100, 2.5], "第 2 行（u2）：应为整数"),
])
def test_bad_values_are_refused(values, match):
    with pytest.raises(DataError, match=match):
        grid.size_grids(_units(values), RULE)


def test_missing_column_and_wrong_type():
    with pytest.raises(DataError, match="字段 households：缺少这一列"):
        grid.size_grids(pd.DataFrame({"name": ["a"], "hh": [300]}), RULE)
    with pytest.raises(DataError, match="应是一张表（pandas DataFrame）"):
        grid.size_grids([300, 400], RULE)
    with pytest.raises(ParameterError, match="method"):
        grid.size_grids(_units([300]), RULE, method="random")
    with pytest.raises(ParameterError, match="GridRule"):
        grid.size_grids(_units([300]), (300, 500))


# ----------------------------------------------------------------------------
# staff and hypothetical units
# ----------------------------------------------------------------------------

def test_staff_plan_rounds_up_per_role():
    plan = grid.size_grids(_units([200, 150, 300, 250, 100]), RULE)  # 3 grids
    staff = grid.staff_plan(plan, {"网格员": 1, "社区民警": 0.5})
    assert staff.set_index("role")["staff"].to_dict() == {"网格员": 3, "社区民警": 2}  # 3×1; ⌈3×0.5⌉ = 2
    assert grid.staff_plan(193, {"网格员": 1})["staff"].iloc[0] == 193


@pytest.mark.parametrize("n, per_grid, match", [
    (3, {"网格员": -1}, "non-negative"),
    (3, {}, "at least one role"),
    (-1, {"网格员": 1}, "non-negative whole"),
])
def test_staff_plan_bad_input(n, per_grid, match):
    with pytest.raises(ParameterError, match=match):
        grid.staff_plan(n, per_grid)


def test_hypothetical_units_are_marked_seeded_and_carry_the_mark():
    rule = grid.unit_grid_rule()
    a = grid.hypothetical_units(20, seed=11, n_large=2, rule=rule)
    b = grid.hypothetical_units(20, seed=11, n_large=2, rule=rule)
    pd.testing.assert_frame_equal(a, b)
    assert provenance(a)["kind"] == "hypothetical"
    assert (a["households"] > rule.high).sum() >= 2
    assert list(a.columns) == ["name", "households", "groups", "population"]
    plan = grid.size_grids(a, rule)
    assert provenance(plan.grids)["kind"] == "hypothetical"
    assert (plan.unplaced["reason_code"] == "above_high").sum() >= 2


def test_hypothetical_units_break_a_groups_rule_in_groups():
    rule = grid.unit_grid_rule(basis="groups")
    units = grid.hypothetical_units(15, seed=5, n_large=1, rule=rule)
    assert (units["groups"] > rule.high).sum() == 1
    assert grid.size_grids(units, rule).unplaced["reason_code"].tolist().count("above_high") == 1


def test_hypothetical_units_bad_input():
    with pytest.raises(ParameterError, match="rule"):
        grid.hypothetical_units(5, seed=1, n_large=1)
    with pytest.raises(ParameterError, match="n must be"):
        grid.hypothetical_units(0, seed=1)
    with pytest.raises(ParameterError, match="n_large"):
        grid.hypothetical_units(3, seed=1, n_large=4, rule=grid.unit_grid_rule())


# ----------------------------------------------------------------------------- the article's procedure

from govlib.grid import choose_grid_count, cut_grids, zh_columns  # noqa: E402
from govlib.grid.rule import GridRule as _Rule  # noqa: E402


def _villages(*hh):
    return pd.DataFrame({"name": [f"村{i + 1}" for i in range(len(hh))], "households": list(hh)})


def test_cut_grids_splits_a_village_when_the_rule_needs_it():
    # 750 households, 300–500 per grid: only 2 grids fit (750/500=1.5 → 2, 750/300=2.5 → 2), 375 each;
    # the cut at 375 falls inside 村2 (households 251–500), and moving it to 250 or 500 breaks the rule.
    plan = cut_grids(_villages(250, 250, 250), _Rule(300, 500))
    assert plan.grids["合计"].tolist() == [375, 375]
    assert plan.split_units.to_dict("records") == [{"单元": "村2", "单元合计": 250, "分入网格": "1、2",
                                                    "各部分": "125 + 125"}]
    assert plan.n_outside_rule == 0


def test_cut_grids_keeps_villages_whole_when_a_boundary_fits():
    # 1050 households → 3 grids of 350; cuts at 350 and 700 snap to the village boundaries 300 and 650
    # (grids 300, 350, 400 all within 300–500), so no village is split.
    plan = cut_grids(_villages(120, 180, 260, 90, 400), _Rule(300, 500))
    assert plan.grids["合计"].tolist() == [300, 350, 400]
    assert plan.grids["组成"].tolist() == ["村1、村2", "村3、村4", "村5"]
    assert plan.split_units.empty


def test_cut_grids_divides_a_village_above_the_limit():
    # one village of 1200 households: 3 grids of 400 (1200/500 = 2.4 → at least 3; 1200/300 = 4 at most;
    # 3 gives 400, the middle of the range)
    plan = cut_grids(_villages(1200), _Rule(300, 500))
    assert plan.grids["合计"].tolist() == [400, 400, 400]
    assert plan.split_units["各部分"].tolist() == ["400 + 400 + 400"]


def test_cut_grids_places_every_household_where_whole_villages_leave_some_out():
    from govlib.grid import size_grids

    units = _villages(250, 250, 250)
    whole = size_grids(units, _Rule(300, 500))
    assert whole.uncovered == 250  # whole villages: 500 + one village left out
    cut = cut_grids(units, _Rule(300, 500))
    assert cut.grids["合计"].sum() == 750


def test_choose_grid_count_by_hand():
    assert choose_grid_count(800, 300, 500) == (2, True)
    assert choose_grid_count(1600, 300, 500) == (4, True)    # 4 × 400
    assert choose_grid_count(550, 300, 500) == (2, False)    # 1 × 550 is 50 over; 2 × 275 is 25 under
    assert choose_grid_count(200, 300, 500) == (1, False)    # fewer households than one grid needs
    plan = cut_grids(_villages(100, 100), _Rule(300, 500))
    assert plan.grids["符合规则"].tolist() == ["否"] and plan.n_outside_rule == 1


def test_zh_columns_gives_chinese_headings():
    assert list(zh_columns(_villages(1, 2)).columns) == ["单元名称", "户数"]


def test_cut_grids_splits_only_the_village_that_needs_it():
    # 村1 (400) is a grid on its own; only 村2 (900 > 500) must be cut, into 450 + 450.
    plan = cut_grids(_villages(400, 900), _Rule(300, 500))
    assert plan.grids["合计"].tolist() == [400, 450, 450]
    assert plan.split_units["单元"].tolist() == ["村2"]
