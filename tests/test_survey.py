"""The Quanzhou questionnaire: ids, feasible n, claim checks, intervals, comparisons, synthetic respondents.

Expected values are published values (from the register) or computed here by
independent means: brute-force enumeration with ``decimal`` rounding for the
feasible sample sizes, the Wilson and two-proportion formulas written out by
hand, and margins counted directly from the synthetic frame.
"""

from __future__ import annotations

import math
import shutil
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from govlib import paths
from govlib.data import Register
from govlib.errors import DataError, ParameterError
from govlib.survey import claims, feasible, inference, questions, respondents
from govlib.survey.allocation import allocate
from govlib.survey.items import ITEMS, items_for

RULES = ("half_up", "half_even")


# ----------------------------------------------------------------------------
# brute force, independent of govlib.survey.feasible
# ----------------------------------------------------------------------------

def _rounds_to(k: int, n: int, fig, rule: str, per: int = 100) -> bool:
    """Does per·k/n, rounded with ``decimal`` to the row's decimals, print as the row's value?"""
    mode = ROUND_HALF_UP if rule == "half_up" else ROUND_HALF_EVEN
    with localcontext() as ctx:
        ctx.prec = 50
        x = (Decimal(per * k) / Decimal(n)).quantize(Decimal(1).scaleb(-fig.decimals), rounding=mode)
    return x == Decimal(f"{fig.value:.{fig.decimals}f}")


def _brute_counts(fig, n: int, rule: str, per: int = 100) -> list[int]:
    """Every whole count giving the printed value.

    Only counts near value·n/per are tried: a printed value with d decimals
    stands for an interval of width 10^-d, so the counts that print as it
    lie within n·10^-d/per + 1 of value·n/per; the window below is wider.
    """
    centre = fig.value * n / per
    reach = n // (per * 10 ** fig.decimals) + 3
    lo = max(0, int(centre) - reach)
    hi = int(centre) + reach + 1
    if per == 100:
        hi = min(n, hi)
    return [k for k in range(lo, hi + 1) if _rounds_to(k, n, fig, rule, per)]


def _brute_group_ok(reg, group: str, n: int, rule: str) -> bool:
    """Every question of a group reproducible at n, checked by enumeration."""
    f = reg.figure

    def s(fid):
        return _brute_counts(f(fid), n, rule)

    def mean_ok(fid):
        return bool(_brute_counts(f(fid), n, rule, per=1))

    if group == "township":
        lists = [s(i) for i in ("qz-list-published-enforced", "qz-list-unclear",
                                "qz-list-published-not-enforced", "qz-list-not-published")]
        if not any(a + b + c + d == n for a in lists[0] for b in lists[1] for c in lists[2] for d in lists[3]):
            return False
        noteam = s("qz-no-enforcement-team")
        # a count of "over 60%" exists (100·k > 60·n, k <= n) that contains the no-team count
        if not any(100 * k > 60 * n and k >= t for t in noteam for k in range(n + 1)):
            return False
        for fid in ("qz-mobility-promotion", "qz-grid-integration-weak"):
            if not s(fid):
                return False
        g = "township"
    elif group == "village":
        if not s("qz-village-list-not-implemented"):
            return False
        full, part = s("qz-purchase-paid-full"), s("qz-purchase-paid-partial")
        if not any(_rounds_to(a + b, n, f("qz-purchase-services"), rule) for a in full for b in part):
            return False
        g = "village"
    else:
        return bool(s("qz-pay-workload"))
    over20, mid = s(f"qz-wechat-{g}-over20"), s(f"qz-wechat-{g}-10to20")
    if not any(a + b <= n and 2 * (a + b) > n for a in over20 for b in mid):
        return False
    return mean_ok(f"qz-veto-{g}") and mean_ok(f"qz-pledge-{g}")


def _brute_smallest(reg, group, rule, limit=700):
    return next(n for n in range(1, limit) if _brute_group_ok(reg, group, n, rule))


@pytest.fixture(scope="module")
def reg():
    from govlib.data import load_register

    return load_register()


# ----------------------------------------------------------------------------
# questions and ids
# ----------------------------------------------------------------------------

def test_questionnaire_ids_follow_the_register(reg):
    ids = questions.questionnaire_ids(reg)
    assert len(ids) == len(set(ids))
    # the rule: section 二 with a cadre or respondent group, or the residents' ranking (图5)
    expected = [i for i in reg.ids("quanzhou")
                if (reg.figure(i).locator.startswith("二") and reg.figure(i).group in
                    {"乡镇（街道）干部", "村（社区）干部", "乡镇和村两级干部", "受访者（层级未注明）"})
                or reg.figure(i).group == "群众"]
    expected.remove("qz-village-monthly-pay")  # from interviews, not the questionnaire
    assert sorted(ids) == sorted(expected)
    assert all(i.startswith("qz-") for i in ids)
    assert not any(reg.figure(i).derived for i in questions.questionnaire_ids(reg, derived=False))


def _data_copy(tmp_path) -> Path:
    dst = tmp_path / "data"
    dst.mkdir()
    for name in ("sources.csv", "figures.csv", "units.csv"):
        shutil.copy(paths.DATA / name, dst / name)
    return dst


def _edit_row(data: Path, fig_id: str, column: str, new: str) -> None:
    p = data / "figures.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    assert (df["id"] == fig_id).sum() == 1
    df.loc[df["id"] == fig_id, column] = new
    df.to_csv(p, index=False)


def test_an_unmapped_questionnaire_row_is_reported(tmp_path):
    data = _data_copy(tmp_path)
    p = data / "figures.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    row = df[df["id"] == "qz-grid-integration-weak"].copy()
    row["id"] = "qz-new-question"
    pd.concat([df, row]).to_csv(p, index=False)
    with pytest.raises(DataError, match="qz-new-question"):
        questions.questionnaire_ids(Register(data))


def test_rankings_are_never_values(reg):
    from govlib.survey import charts, tables

    for key in ("constraints", "services"):
        t = questions.question_table(key, reg)
        assert t["value"].isna().all()
        assert list(t["rank"]) == list(range(1, len(t) + 1))
        with pytest.raises(ValueError, match="ranking"):
            charts.plot_question(key, register=reg)
        html = tables.ranking_html(key, register=reg).html
        assert all(f'data-fig="{i}"' in html for i in t["id"])
        assert "%" not in html
    with pytest.raises(ValueError, match="rank"):
        charts.plot_shares(["qz-mobility-promotion", "qz-fig1-rank-powers"], register=reg)
    with pytest.raises(ValueError):
        charts.plot_question("meetings", register=reg)


def test_share_chart_draws_published_values_and_cites(reg):
    from govlib.survey import charts

    fig = charts.plot_question("purchase", register=reg)
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches)
    assert widths == sorted(reg.value(i) for i in questions.QUESTIONS["purchase"].ids)
    assert any(reg.cite("qz-purchase-services") in t.get_text().replace("\n", "") for t in fig.texts)


# ----------------------------------------------------------------------------
# feasible n
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("rule", RULES)
def test_printed_bounds_match_brute_force(reg, rule):
    figs = [i for i in questions.questionnaire_ids(reg, derived=False)
            if reg.figure(i).qualifier == "exact" and reg.figure(i).decimals is not None]
    n = np.arange(1, 161)
    for fid in figs:
        f = reg.figure(fid)
        per = 100 if f.unit == "%" else 1
        lo, hi = feasible.printed_bounds(f, n, rule, per=per)
        for i, nn in enumerate(n):
            ks = _brute_counts(f, int(nn), rule, per)
            if ks:
                assert (lo[i], hi[i]) == (ks[0], ks[-1]), (fid, nn)
            else:
                assert lo[i] > hi[i] or (per == 100 and (hi[i] < 0 or lo[i] > nn)), (fid, nn)


@pytest.mark.parametrize("rule", RULES)
def test_group_feasibility_matches_brute_force(reg, rule):
    for group in ("village", "respondents", "township"):
        f = feasible.feasibility(group, 320, rule, register=reg)
        for n in range(1, 321):
            assert bool(f.at[n, "all"]) == _brute_group_ok(reg, group, n, rule), (group, n)


def test_smallest_feasible_n_matches_brute_force(reg):
    for group in ("township", "village", "respondents"):
        for rule in RULES:
            assert feasible.smallest_feasible_n(group, rule, register=reg) == _brute_smallest(reg, group, rule)


def test_half_even_differs_at_a_tie(reg):
    # 13/400 = 3.25% exactly: half_up prints 3.3, half_even prints 3.2 (2 is even);
    # 12/400 = 3.0% and 14/400 = 3.5%, so 3.3% is possible at n=400 only under half_up
    f = reg.figure("qz-list-not-published")
    assert f.value == 3.3
    lo, hi = feasible.printed_bounds(f, 400, "half_up")
    assert (lo[0], hi[0]) == (13, 13)
    lo, hi = feasible.printed_bounds(f, 400, "half_even")
    assert lo[0] > hi[0]


def test_bad_rule_and_n_are_refused():
    with pytest.raises(ParameterError, match="half_up"):
        feasible.feasibility("township", 10, "truncate")
    with pytest.raises(ParameterError, match="at least 1"):
        feasible.printed_bounds(questions.load_register().figure("qz-list-unclear"), 0)
    with pytest.raises(ValueError, match="unknown respondent group"):
        items_for("mayors")


def test_allocation_exists_exactly_when_feasible(reg):
    for it in ITEMS:
        ns = list(range(1, 700, 9))
        ok = feasible.item_feasible(it, ns, "half_up", reg)
        for n, good in zip(ns, ok):
            if good:
                allocate(it, n, "half_up", register=reg)
            else:
                with pytest.raises(ParameterError, match=it.column):
                    allocate(it, n, "half_up", register=reg)


# ----------------------------------------------------------------------------
# claim checks
# ----------------------------------------------------------------------------

def test_claims_hold_on_the_register(reg):
    checks = claims.claim_checks(reg)
    assert all(c.ok for c in checks), [c.claim_zh for c in checks if not c.ok]
    by_expr = {c.expression: c for c in checks}
    chain = by_expr["qz-purchase-paid-full + qz-purchase-paid-partial = qz-purchase-services"]
    # 22.0 + 19.1 = 41.1 exactly
    assert chain.computed == pytest.approx(reg.value("qz-purchase-services"))
    assert chain.verdict == claims.EXACT
    total = next(c for c in checks if c.expression.startswith("qz-list-published-enforced + "))
    assert total.computed == pytest.approx(67.2 + 21 + 8.5 + 3.3)  # = 100.0, published values
    html = claims.claims_html(reg).html
    for c in checks:
        assert all(f'data-fig="{i}"' in html for i in c.ids)


def test_a_broken_part_fails_the_chain_check(tmp_path):
    data = _data_copy(tmp_path)
    _edit_row(data, "qz-purchase-paid-partial", "value", "19.5")
    _edit_row(data, "qz-purchase-paid-partial", "wording", "19.5%")
    checks = {c.expression: c for c in claims.claim_checks(Register(data))}
    bad = checks["qz-purchase-paid-full + qz-purchase-paid-partial = qz-purchase-services"]
    assert not bad.ok and bad.verdict == claims.FAIL
    assert bad.computed == pytest.approx(22.0 + 19.5)
    assert sum(not c.ok for c in checks.values()) == 1


def test_a_broken_answer_fails_the_sum_check(tmp_path):
    data = _data_copy(tmp_path)
    _edit_row(data, "qz-list-published-enforced", "value", "68.2")
    _edit_row(data, "qz-list-published-enforced", "wording", "68.2%")
    frame = claims.claims_frame(Register(data))
    failed = frame[~frame["ok"]]
    assert len(failed) == 1
    assert failed["expression"].iloc[0].startswith("qz-list-published-enforced + ")
    # 68.2 + 21 + 8.5 + 3.3 = 101.0: one point off, more than the rounding slack 0.05·3 + 0.5 = 0.65
    assert failed["computed"].iloc[0] == pytest.approx(101.0)


def test_over_half_check_uses_the_lowest_possible_sum(tmp_path):
    data = _data_copy(tmp_path)
    # 11.4 + 38.6 = 50.0 printed: the true share may be as low as 49.9%, so "一半以上" is not shown
    _edit_row(data, "qz-wechat-township-10to20", "value", "38.6")
    _edit_row(data, "qz-wechat-township-10to20", "wording", "38.6%")
    for col, val in (("value", "50.0"),):
        _edit_row(data, "qz-wechat-township-over10", col, val)
    _edit_row(data, "qz-wechat-township-under10", "value", "50.0")
    checks = claims.claim_checks(Register(data))
    township = next(c for c in checks if c.expression.startswith("qz-wechat-township-over20 + "))
    assert township.verdict == claims.FAIL


# ----------------------------------------------------------------------------
# intervals, comparisons, power
# ----------------------------------------------------------------------------

def test_wilson_by_hand():
    from scipy.stats import norm

    conf = 2 * norm.cdf(2) - 1  # z = 2 exactly
    low, high = inference.wilson(20.0, 100, conf)
    # centre (0.2 + 4/200)/(1 + 4/100) = 0.22/1.04 = 0.2115384615
    # half   2·sqrt(0.2·0.8/100 + 4/40000)/1.04 = 2·sqrt(0.0017)/1.04 = 0.0792904928
    assert low == pytest.approx(100 * (0.2115384615 - 0.0792904928), abs=1e-7)
    assert high == pytest.approx(100 * (0.2115384615 + 0.0792904928), abs=1e-7)


def test_interval_ids_are_printed_exact_percentages(reg):
    import csv

    with open(paths.FIGURES_CSV, encoding="utf-8", newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    ids = inference.interval_ids(reg)
    assert "qz-grid-integration-weak" in ids  # printed as 52.9%, township cadres
    for i in ids:  # read from the CSV itself, not through the register
        assert (rows[i]["qualifier"], rows[i]["unit"], rows[i]["derived_from"]) == ("exact", "%", ""), i
    assert len(set(ids)) == len(ids)
    assert inference.assumed_sizes(516, 309) == {"township": 516, "village": 309, "respondents": 309}


def test_wilson_matches_statsmodels(reg):
    from statsmodels.stats.proportion import proportion_confint

    for n in (50, 309, 1000):
        for k in (0, 1, n // 3, n - 1, n):
            for conf in (0.9, 0.95, 0.99):
                lo, hi = proportion_confint(k, n, alpha=1 - conf, method="wilson")
                got = inference.wilson(100 * k / n, n, conf)
                assert got[0] == pytest.approx(100 * lo) and got[1] == pytest.approx(100 * hi)
    t = inference.interval_table(["qz-grid-integration-weak"], {"township": 400}, 0.95, register=reg)
    lo, hi = proportion_confint(0.529 * 400, 400, alpha=0.05, method="wilson")
    assert t["low"].iloc[0] == pytest.approx(100 * lo) and t["high"].iloc[0] == pytest.approx(100 * hi)
    with pytest.raises(ParameterError, match="conf"):
        inference.wilson(50, 100, 1.5)


def test_significance_n_by_hand(reg):
    from scipy.stats import norm

    p1 = (reg.value("qz-list-published-not-enforced") + reg.value("qz-list-not-published")) / 100
    p2 = reg.value("qz-village-list-not-implemented") / 100
    pbar = (p1 + p2) / 2
    z = norm.ppf(0.975)
    # pooled z with n per group: z² = (p1-p2)²·n / (2·pbar·(1-pbar)); significant once z² > z_crit²
    n_star = math.floor(z ** 2 * 2 * pbar * (1 - pbar) / (p1 - p2) ** 2) + 1
    assert inference.significance_n("list-not-done", 0.95, register=reg) == n_star
    assert inference.test_at("list-not-done", n_star, register=reg)["p_value"] < 0.05
    assert inference.test_at("list-not-done", n_star - 1, register=reg)["p_value"] >= 0.05


def test_chi_square_grows_linearly_with_n(reg):
    a = inference.test_at("wechat-distribution", 200, register=reg)
    b = inference.test_at("wechat-distribution", 1000, register=reg)
    assert b["statistic"] == pytest.approx(5 * a["statistic"])
    assert a["df"] == 2


def test_power_n_by_hand(reg):
    from scipy.stats import norm

    p1 = reg.value("qz-wechat-township-10to20") / 100
    p2 = reg.value("qz-wechat-village-10to20") / 100
    h = abs(2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2)))  # Cohen's h
    # 2·asin(sqrt(p̂)) has variance 1/n, so the difference of two groups of n has variance 2/n
    n = 2 * ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2
    assert abs(inference.power_n("wechat-10to20", 0.95, 0.8, register=reg) - math.ceil(n)) <= 1
    assert inference.power_n("wechat-distribution", register=reg) > inference.significance_n(
        "wechat-distribution", register=reg)


# ----------------------------------------------------------------------------
# synthetic respondents
# ----------------------------------------------------------------------------

def _count_margins(df, reg, rule):
    """(fig id, count, n) for every printed share and mean, counted straight from the frame."""
    out = []
    for g, label in questions.GROUPS.items():
        sub = df[df["group"] == label]
        if not len(sub):
            continue
        for it in items_for(g):
            col = sub[it.column]
            if it.kind == "count":
                out.append((it.mean_fig, int(col.sum()), len(sub), 1))
                continue
            if it.kind == "binary":
                keys = {"yes": int(col.astype(bool).sum()), "no": int((~col.astype(bool)).sum())}
            else:
                codes = col.cat.codes.to_numpy()
                keys = {c.key: int((codes == j).sum()) for j, c in enumerate(it.cells)}
            assert sum(keys.values()) == len(sub)
            for c in it.cells:
                if c.fig:
                    out.append((c.fig, keys[c.key], len(sub), 100))
            for t in it.totals:
                out.append((t.fig, sum(keys[k] for k in t.cells), len(sub), 100))
    return out


@pytest.mark.parametrize("rule", RULES)
def test_synthetic_margins_are_exact(reg, rule):
    smallest = {g: _brute_smallest(reg, g, rule) for g in ("township", "village")}
    for sizes in (smallest, {"township": 1000, "village": 2500}, {"township": 4321, "village": 777}):
        sizes = {g: respondents.usable_n(g, n, rule, register=reg)[0] for g, n in sizes.items()}
        for seed in (0, 7, 2022):
            df = respondents.synthesize(sizes, seed=seed, rule=rule, register=reg)
            assert len(df) == sum(sizes.values())
            from govlib.synthetic import provenance

            assert provenance(df)["kind"] == "synthetic"
            for fid, k, n, per in _count_margins(df, reg, rule):
                f = reg.figure(fid)
                share = 100 * k / n
                if f.qualifier == "exact":
                    assert _rounds_to(k, n, f, rule, per), (fid, k, n)
                elif f.qualifier in ("over", "verbal_over"):
                    assert share > f.value, (fid, k, n)
                else:
                    raise AssertionError(f"unexpected qualifier {f.qualifier}")


def test_no_team_is_inside_over_60_and_parts_inside_purchase(reg):
    df = respondents.synthesize({"township": 1000, "village": 1000}, seed=3, register=reg)
    t = df[df["group"] == "乡镇（街道）干部"]
    codes = t["enforcement"].cat.codes.to_numpy()
    assert 100 * (codes >= 1).sum() > 60 * len(t)  # inefficient (1) + no team (2): over 60%
    v = df[df["group"] == "村（社区）干部"]
    assert v["list_status"].isna().all() and t["purchase"].isna().all()


def test_same_seed_same_frame_other_seed_same_margins(reg):
    a = respondents.synthesize(1000, seed=5, register=reg)
    b = respondents.synthesize(1000, seed=5, register=reg)
    c = respondents.synthesize(1000, seed=6, register=reg)
    pd.testing.assert_frame_equal(a, b)
    assert not a["grid_weak"].equals(c["grid_weak"])
    assert a["grid_weak"].sum() == c["grid_weak"].sum()


def test_infeasible_n_names_the_question_and_nearest_n(reg):
    near = _brute_smallest(reg, "township", "half_up")  # every n below it is infeasible
    with pytest.raises(ParameterError) as err:
        respondents.synthesize({"township": 100}, register=reg)
    msg = str(err.value)
    assert "n=100" in msg and "qz-list-unclear" in msg and f"Nearest feasible n for this group: {near}" in msg
    with pytest.raises(ParameterError, match="rho"):
        respondents.synthesize(1000, rho=1.0, register=reg)
    with pytest.raises(ParameterError, match="contradicts"):
        respondents.synthesize({"village": 1000}, assumed={"qz-village-responsible-over90": 85}, register=reg)


def test_association_is_what_we_put_in(reg):
    def corr(df):
        t = respondents.group_frame(df, "township")
        return np.corrcoef(t["grid_weak"], t["mobility"])[0, 1]

    indep = respondents.synthesize({"township": 5000}, seed=1, register=reg)
    assoc = respondents.synthesize({"township": 5000}, seed=1, rho=0.7, register=reg)
    assert abs(corr(indep)) < 0.05
    assert corr(assoc) > 0.15
    assert indep["grid_weak"].sum() == assoc["grid_weak"].sum()


def test_analyses_keep_the_synthetic_mark(reg):
    from govlib.synthetic import caption
    from govlib.survey import tables

    df = respondents.synthesize({"township": 1000, "village": 1000}, seed=2, register=reg)
    tab = respondents.crosstab(df, "township", "list_status", "wechat")
    assert caption("表", tab).endswith("并非调查原始数据】")
    assert int(tab.loc["合计", "合计"]) == 1000
    _, table = respondents.fit_logit(df, "village", "wechat_many", ["veto", "pledge"])
    assert caption("表", table).endswith("并非调查原始数据】")
    html = tables.synthetic_html(table, "回归", df).html
    assert "合成数据" in html
    assert "合成数据" in tables.margins_html(df, register=reg).html
    with pytest.raises(ParameterError, match="not in group"):
        respondents.fit_logit(df, "village", "wechat_many", ["grid_weak"])


# ----------------------------------------------------------------------------
# exercises
# ----------------------------------------------------------------------------

def test_exercise_answers(reg):
    from govlib.exercises import catalog, grade_answer

    exs = {e.id: e for e in catalog("quanzhou-survey")}
    assert len(exs) == 6 and {e.kind for e in exs.values()} >= {"recompute", "interpret", "apply", "diagnose",
                                                                   "discuss"}
    p1 = reg.value("qz-list-published-not-enforced") + reg.value("qz-list-not-published")
    assert grade_answer("quanzhou-survey-1", round(p1, 1)).correct
    assert not grade_answer("quanzhou-survey-1", reg.value("qz-list-published-not-enforced")).correct
    assert grade_answer("quanzhou-survey-3", inference.significance_n("list-not-done", 0.9),
                        conf_level=0.9).correct
    # the grid item is in section 二（四）; the fourth constraint of 图1 heads that section
    assert reg.figure("qz-grid-integration-weak").locator.startswith("二（四）")
    fourth = next(i for i in questions.QUESTIONS["constraints"].ids if reg.value(i) == 4)
    assert grade_answer("quanzhou-survey-4", questions.short_label(fourth, reg)).correct
    # 52.9% at n=100: Wilson low is about 43%, at n=20000 about 52%
    assert grade_answer("quanzhou-survey-2", False, n_township=100, conf_level=0.95).correct
    assert grade_answer("quanzhou-survey-2", True, n_township=20000, conf_level=0.95).correct
