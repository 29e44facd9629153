"""The Xiamen evaluation: composite scores, the vote rule, the poll as a sample, weights, 1:2:7."""

from __future__ import annotations

import math
import time
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from govlib import evaluation as ev
from govlib.data import load_framework
from govlib.errors import DataError, ParameterError
from govlib.frameworks.tree import find_node
from govlib.synthetic import provenance

ARTICLE = {"self": 0.1, "peer": 0.4, "poll": 0.5}  # checked against the register below


# ----------------------------------------------------------------------------
# settings read from the register and the framework
# ----------------------------------------------------------------------------

def test_default_weights_are_the_registers(register):
    w = ev.default_weights(register)
    assert w == pytest.approx({c: register.value(fid) / 100 for c, fid in ev.WEIGHT_IDS.items()})
    assert w == pytest.approx(ARTICLE)  # the article: 10% self + 40% peer mean + 50% poll mean


def test_poll_size_threshold_and_shares_from_register(register):
    assert ev.poll_size(register) == register.value("xm-poll-households")
    assert ev.vote_threshold(register) == Fraction(17, 20)  # 85% = 85/100 = 17/20
    assert ev.allocation_shares(register) == pytest.approx({"管理": 0.1, "协商": 0.2, "服务": 0.7})


def test_dimensions_come_from_the_framework_and_match_the_register(register):
    dims = ev.dimensions(register=register)
    assert len(dims) == register.value("xm-eval-dimensions")
    # the article's order: attitude first, residents' satisfaction last
    assert dims[0] == "服务态度" and dims[-1] == "群众满意度"
    assert dims.index("执行能力") < dims.index("协调能力")


def test_dimension_count_mismatch_is_a_data_error(register):
    from govlib.schemas import Framework

    fw = load_framework("xiamen-127", register=register).model_copy(deep=True)
    node = find_node(fw, "eval-dimensions")
    node.children.pop()  # five dimensions left
    fw = Framework.model_validate(fw.model_dump())
    with pytest.raises(DataError, match="eval-dimensions.*5 children.*xm-eval-dimensions"):
        ev.dimensions(fw, register=register)


def test_part_of_reads_the_framework():
    assert ev.part_of("eval-peer") == "协商"
    assert ev.part_of("svc-volunteer") == "服务"
    assert ev.part_of("mgmt-branches") == "管理"
    with pytest.raises(KeyError, match="nowhere"):
        ev.part_of("nowhere")


# ----------------------------------------------------------------------------
# weights and composite scores
# ----------------------------------------------------------------------------

def test_composite_by_hand():
    # 0.1*92 + 0.4*84 + 0.5*78 = 9.2 + 33.6 + 39.0 = 81.8
    assert ev.composite(92, 84, 78) == pytest.approx(81.8)
    # equal weights: (90 + 60 + 30) / 3 = 60
    assert ev.composite(90, 60, 30, [1 / 3, 1 / 3, 1 / 3]) == pytest.approx(60.0)
    # poll only
    assert ev.composite(90, 60, 30, {"self": 0, "peer": 0, "poll": 1}) == pytest.approx(30.0)
    got = ev.composite(np.array([100, 0]), np.array([0, 100]), 50)
    # [0.1*100 + 0 + 25, 0 + 40 + 25] = [35, 65]
    assert got == pytest.approx([35.0, 65.0])


@pytest.mark.parametrize("weights, message", [
    ({"self": 0.2, "peer": 0.4, "poll": 0.5}, "sum to 1, got 1.1"),
    ({"self": -0.1, "peer": 0.6, "poll": 0.5}, "self must not be negative"),
    ({"self": 0.1, "peer": 0.4}, "missing poll"),
    ({"self": 0.1, "peer": 0.4, "poll": 0.5, "boss": 0}, "unknown boss"),
    ([0.5, 0.5], "three weights"),
    ([0.1, float("nan"), 0.5], "peer must be finite"),
    (["0.1", 0.4, 0.5], "self must be a number"),
    ("0.1,0.4,0.5", "mapping or three numbers"),
])
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(ParameterError, match=message):
        ev.validate_weights(weights)


def test_weight_error_names_the_parameter():
    with pytest.raises(ParameterError, match=r"custom weights \(w_self, w_peer, w_poll\)"):
        ev.choose_weights("custom", 0.5, 0.5, 0.5)
    with pytest.raises(ParameterError, match="weights_source"):
        ev.choose_weights("boss")
    assert ev.choose_weights("equal") == pytest.approx({c: 1 / 3 for c in ev.COMPONENTS})
    assert ev.choose_weights("custom", 0.05, 0.35, 0.6) == pytest.approx({"self": 0.05, "peer": 0.35, "poll": 0.6})


def _two_units():
    # two units, two dimensions
    return pd.DataFrame({
        "unit": ["A", "A", "B", "B"],
        "dimension": ["态度", "能力", "态度", "能力"],
        "self": [90.0, 80.0, 100.0, 100.0],
        "peer": [80.0, 70.0, 60.0, 70.0],
        "poll": [70.0, 70.0, 80.0, 80.0],
    })


def test_score_quarter_per_dimension_and_overall():
    scored = ev.score_quarter(_two_units())
    # A/态度: 9 + 32 + 35 = 76; A/能力: 8 + 28 + 35 = 71
    # B/态度: 10 + 24 + 40 = 74; B/能力: 10 + 28 + 40 = 78
    assert scored["composite"].tolist() == pytest.approx([76, 71, 74, 78])
    tot = ev.unit_totals(_two_units())
    # A: self 85, peer 75, poll 70 -> 8.5 + 30 + 35 = 73.5 (= mean of 76 and 71)
    # B: self 100, peer 65, poll 80 -> 10 + 26 + 40 = 76.0 (= mean of 74 and 78)
    assert tot.loc["A", ["self", "peer", "poll", "composite"]].tolist() == pytest.approx([85, 75, 70, 73.5])
    assert tot.loc["B", "composite"] == pytest.approx(76.0)
    assert tot["rank"].tolist() == [2, 1]
    # weight 态度 3/4, 能力 1/4: A = 0.75*76 + 0.25*71 = 74.75
    tot2 = ev.unit_totals(_two_units(), dimension_weights={"态度": 0.75, "能力": 0.25})
    assert tot2.loc["A", "composite"] == pytest.approx(74.75)


def test_score_table_errors_name_the_column():
    with pytest.raises(ParameterError, match="missing column.*poll"):
        ev.score_quarter(_two_units().drop(columns="poll"))
    bad = _two_units()
    bad["peer"] = bad["peer"].astype(object)
    bad.loc[2, "peer"] = "good"
    with pytest.raises(ParameterError, match="'peer' must hold numbers; row 2"):
        ev.score_quarter(bad)


def test_ranks_share_ties():
    assert ev.rank([80, 90, 80, 70]).tolist() == [2, 1, 2, 4]


def test_flags_from_instructor_thresholds():
    tot = pd.DataFrame({"composite": [90.0, 80.0, 70.0, 60.0]}, index=list("abcd"))
    out = ev.flag_units(tot, commend_at=80, rectify_below=70)
    # 90 ≥ 80 and 80 ≥ 80 commended; 70 is not below 70; 60 < 70 rectifies
    assert out["status"].tolist() == ["commend", "commend", "pass", "rectify"]
    assert out["status_zh"].tolist() == ["表彰", "表彰", "合格", "限期整改"]
    with pytest.raises(ParameterError, match="rectify_below .* must not exceed commend_at"):
        ev.flag_units(tot, commend_at=70, rectify_below=80)
    with pytest.raises(ParameterError, match="commend_at must be a finite number"):
        ev.flag_units(tot, commend_at=None, rectify_below=80)


# ----------------------------------------------------------------------------
# the vote rule
# ----------------------------------------------------------------------------

def test_vote_at_exactly_the_threshold(register):
    t = register.value("xm-vote-threshold")
    assert Fraction(17, 20) * 100 == t  # 17 of 20 representatives is exactly the threshold
    assert ev.vote_passes(agree=17, total=20) is True
    assert ev.vote_passes(agree=17, total=20, reading="exclusive") is False
    assert ev.vote_passes(agree=85, total=100, reading="inclusive") is True
    assert ev.vote_passes(agree=85, total=100, reading="exclusive") is False
    assert ev.vote_passes(agree=16, total=20) is False     # 80%
    assert ev.vote_passes(agree=18, total=20, reading="exclusive") is True   # 90%


def test_vote_from_a_list():
    votes = ["同意"] * 17 + ["反对", "弃权", "不同意"]
    assert ev.count_votes(votes) == (17, 20)
    assert ev.vote_passes(votes) is True
    assert ev.vote_passes([True] * 6 + [False]) is True    # 6/7 = 85.7% ≥ 85%
    assert ev.vote_passes([1] * 5 + [0]) is False          # 5/6 = 83.3%
    with pytest.raises(ParameterError, match=r"votes\[2\] = '也许'"):
        ev.count_votes(["同意", "反对", "也许"])


def test_vote_errors():
    with pytest.raises(ParameterError, match="agree .* cannot exceed total"):
        ev.vote_passes(agree=21, total=20)
    with pytest.raises(ParameterError, match="total must be at least 1"):
        ev.vote_passes([])
    with pytest.raises(ParameterError, match="reading must be one of inclusive, exclusive"):
        ev.vote_passes(agree=1, total=1, reading="loose")
    with pytest.raises(ParameterError, match="either votes or agree/total"):
        ev.vote_passes([True], agree=1, total=1)
    with pytest.raises(ParameterError, match="threshold must be a share"):
        ev.vote_passes(agree=1, total=1, threshold=85)


def test_min_agree():
    # 0.85 * 20 = 17 exactly: inclusive needs 17, exclusive 18
    assert ev.min_agree(20) == 17
    assert ev.min_agree(20, reading="exclusive") == 18
    # 0.85 * 7 = 5.95: both readings need 6
    assert ev.min_agree(7) == 6 == ev.min_agree(7, reading="exclusive")
    # a different threshold: 2/3 of 9 = 6 exactly
    assert ev.min_agree(9, threshold=Fraction(2, 3)) == 6
    assert ev.min_agree(9, threshold=Fraction(2, 3), reading="exclusive") == 7
    # 17/20: only multiples of 20 representatives can land exactly on the threshold
    assert ev.exact_threshold_size() == 20
    assert ev.exact_threshold_size(avoid=20) == 40
    assert ev.exact_threshold_size(avoid=[20, 40], threshold=Fraction(2, 3)) == 3
    vt = ev.vote_table([7, 20])
    assert vt["inclusive"].tolist() == [6, 17] and vt["exclusive"].tolist() == [6, 18]


# ----------------------------------------------------------------------------
# the poll as a sample
# ----------------------------------------------------------------------------

BINARY = (("满意", 1.0), ("不满意", 0.0))


def test_community_counts_keep_the_total():
    c = ev.community_counts([[0.333, 0.333, 0.334], [0.5, 0.25, 0.25]], 1000)
    assert c.sum(axis=1).tolist() == [1000, 1000]
    assert c[1].tolist() == [500, 250, 250]
    with pytest.raises(ParameterError, match="sum to 1"):
        ev.community_counts([0.5, 0.6], 10)


def test_tilted_probs_hit_the_mean():
    x = np.array([s for _, s in ev.POLL_LEVELS])
    for m in (10.0, 50.0, 82.5):
        p = ev.tilted_probs(m)
        assert p.sum() == pytest.approx(1) and p @ x == pytest.approx(m, abs=1e-6)
    with pytest.raises(ParameterError, match="strictly between"):
        ev.tilted_probs(100.0)


def test_simulation_is_reproducible():
    counts = ev.community_counts(np.array([[0.7, 0.3], [0.6, 0.4]]), 500)
    a = ev.simulate_poll_means(counts, 100, 200, 7, BINARY)
    b = ev.simulate_poll_means(counts, 100, 200, 7, BINARY)
    c = ev.simulate_poll_means(counts, 100, 200, 8, BINARY)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_poll_spread_matches_hypergeometric_normal_approximation(rng):
    # community of N = 2000 households, 70% satisfied; polls of n = 100
    N, n, p = 2000, 100, 0.7
    counts = np.array([[1400, 600]])
    sims = ev.simulate_poll_means(counts, n, 20_000, rng, BINARY)[:, 0]
    # sd = sqrt(p(1-p)/n * (N-n)/(N-1)) = sqrt(0.21/100 * 1900/1999) = 0.044677
    expected_sd = math.sqrt(0.21 / 100 * 1900 / 1999)
    assert expected_sd == pytest.approx(0.044677, abs=1e-6)
    assert ev.poll_sd(counts, n, BINARY)[0] == pytest.approx(expected_sd)
    assert sims.mean() == pytest.approx(p, abs=3 * expected_sd / math.sqrt(20_000) + 1e-9)
    assert sims.std(ddof=1) == pytest.approx(expected_sd, rel=0.03)
    # the sample count is hypergeometric: values are multiples of 1/n
    assert np.allclose(sims * n, np.round(sims * n))


def test_poll_spread_matches_binomial_for_a_large_community(rng):
    # N = 1,000,000: without replacement ≈ with replacement; sd ≈ sqrt(p(1-p)/n)
    counts = np.array([[600_000, 400_000]])
    sims = ev.simulate_poll_means(counts, 100, 20_000, rng, BINARY)[:, 0]
    # sqrt(0.6 * 0.4 / 100) = sqrt(0.0024) = 0.04899
    assert sims.std(ddof=1) == pytest.approx(math.sqrt(0.0024), rel=0.03)


def test_polling_everyone_leaves_no_error():
    counts = np.array([[30, 20]])
    sims = ev.simulate_poll_means(counts, 50, 100, 0, BINARY)
    assert np.all(sims == 0.6)  # 30 / 50
    assert ev.poll_sd(counts, 50, BINARY)[0] == 0
    with pytest.raises(ParameterError, match="poll_size .51. exceeds the households"):
        ev.simulate_poll_means(counts, 51, 10, 0, BINARY)


def test_composite_spread_is_poll_weight_times_poll_spread():
    base = pd.DataFrame({"self": [90.0, 80.0], "peer": [80.0, 80.0]}, index=["A", "B"])
    counts = np.array([[1400, 600], [1300, 700]])
    sim = ev.simulate_quarters(counts, base, poll_size=100, n_sims=5_000, seed=3, levels=(("满意", 100.0), ("不满意", 0.0)))
    sp = sim.spread()
    # true poll means 70 and 65; true composites 9 + 32 + 35 = 76 and 8 + 32 + 32.5 = 72.5
    assert sp["true_composite"].tolist() == pytest.approx([76.0, 72.5])
    assert np.allclose(sim.composite.std(axis=0), 0.5 * sim.poll.std(axis=0))
    assert sp["composite_sd_sim"].to_numpy() == pytest.approx(sp["composite_sd_theory"].to_numpy(), rel=0.05)


def test_swap_rate_matches_normal_approximation():
    from scipy.stats import norm

    # poll only; poll means 70 vs 68 (of 100), N large, n = 100
    # sd of each ≈ sqrt(p(1-p)/n)*100; swap ≈ Φ(-2 / sqrt(sd_a² + sd_b²))
    base = pd.DataFrame({"self": [0.0, 0.0], "peer": [0.0, 0.0]}, index=["A", "B"])
    counts = np.array([[70_000, 30_000], [68_000, 32_000]])
    sim = ev.simulate_quarters(counts, base, weights=[0, 0, 1], poll_size=100, n_sims=10_000, seed=11,
                               levels=(("满意", 100.0), ("不满意", 0.0)))
    sd_a, sd_b = math.sqrt(0.7 * 0.3 / 100) * 100, math.sqrt(0.68 * 0.32 / 100) * 100  # 4.583, 4.665
    expected = norm.cdf(-2 / math.hypot(sd_a, sd_b))  # Φ(-0.3056) ≈ 0.380
    assert sim.swap_rate("A", "B") == pytest.approx(expected, abs=0.02)
    assert sim.swap_rate("B", "A") == sim.swap_rate("A", "B")
    assert sim.closest_pair() == ("A", "B")


def test_required_poll_size_by_hand_and_by_simulation():
    from scipy.stats import norm

    # gap 2, household sds 20 and 20, N = 10001, confidence 0.9:
    # z = 1.2815516; 2/z = 1.560612; c = 1.560612^2 * 10000 / 800 = 2.435510 * 12.5 = 30.4439;
    # n = 10001 / 31.4439 = 318.06 -> 319
    z = norm.ppf(0.9)
    assert (2 / z) ** 2 * 10000 / 800 == pytest.approx(30.4439, abs=1e-3)
    n = ev.required_poll_size(2, 20, 20, households=10001, confidence=0.9)
    assert n == 319

    def p_right(m):  # Φ(gap / sd(m)) with the finite-population correction
        return norm.cdf(2 / math.sqrt(800 / m * (10001 - m) / 10000))

    assert p_right(n) >= 0.9 > p_right(n - 1)
    # a tiny gap needs the whole community
    assert ev.required_poll_size(1e-6, 20, 20, households=500, confidence=0.9) == 500
    with pytest.raises(ParameterError, match="gap must be positive"):
        ev.required_poll_size(0, 20, 20, households=500, confidence=0.9)


def test_stability_curve_reaches_certainty_with_everyone():
    ex = ev.hypothetical_quarter(4, households=300, seed=5)
    cur = ev.stability_curve(ex.community, ex.totals(), sizes=[20, 300], n_sims=300, seed=1)
    assert cur.loc[300, "p_same_ranking"] == 1.0 and cur.loc[300, "max_swap"] == 0.0
    assert cur.loc[20, "p_same_ranking"] <= 1.0
    assert ev.stable_poll_size(cur, 0.99) in (20, 300)


def test_ten_thousand_quarters_for_ten_units_are_fast():
    ex = ev.hypothetical_quarter(10, seed=1)
    t = time.perf_counter()
    sim = ex.simulate(n_sims=10_000, seed=2)
    took = time.perf_counter() - t
    assert sim.composite.shape == (10_000, 10)
    assert took < 5  # the benchmark aims at < 1 s; generous here for busy test machines


# ----------------------------------------------------------------------------
# hypothetical units
# ----------------------------------------------------------------------------

def test_hypothetical_quarter_is_marked_and_reproducible(register):
    a = ev.hypothetical_quarter(5, households=400, seed=9)
    b = ev.hypothetical_quarter(5, households=400, seed=9)
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert provenance(a.scores)["kind"] == "hypothetical"
    assert provenance(a.community)["kind"] == "hypothetical"
    assert len(a.scores) == 5 * register.value("xm-eval-dimensions")
    assert a.poll_size == register.value("xm-poll-households")
    assert (a.community.sum(axis=1) == 400).all()
    assert a.scores[["self", "peer", "poll"]].stack().between(0, 100).all()
    assert provenance(a.totals())["kind"] == "hypothetical"
    sim = a.simulate(n_sims=20, seed=1)
    for df in (sim.spread(), sim.adjacent_pairs(), sim.status_frequencies(commend_at=80, rectify_below=70)):
        assert provenance(df)["kind"] == "hypothetical"
    assert ev.unit_names(12)[:2] == ["单位甲", "单位乙"] and ev.unit_names(12)[-1] == "单位12"


def test_table_caption_labels_hypothetical_data():
    ex = ev.hypothetical_quarter(3, households=200, seed=2)
    html = ev.table(ex.totals(), "本季成绩").html
    assert "虚构示例" in html and "自评分" in html and "<caption>" in html


# ----------------------------------------------------------------------------
# weight sensitivity
# ----------------------------------------------------------------------------

def test_ranks_under_weights():
    tot = pd.DataFrame({"self": [100.0, 50.0], "peer": [60.0, 60.0], "poll": [60.0, 64.0]}, index=["A", "B"])
    r = ev.ranks_under_weights(tot)
    # article: A = 10 + 24 + 30 = 64, B = 5 + 24 + 32 = 61 -> A first
    # equal:   A = 220/3 = 73.3, B = 174/3 = 58 -> A first; poll only: 60 vs 64 -> B first
    assert r[("composite", "文章权重")].tolist() == pytest.approx([64.0, 61.0])
    assert r["rank"]["文章权重"].tolist() == [1, 2]
    assert r["rank"]["三项等权"].tolist() == [1, 2]
    assert r["rank"]["只看民意测评"].tolist() == [2, 1]


def test_self_inflation():
    # raising a self-score by 20 points moves the composite by 0.1 * 20 = 2
    assert ev.inflation_shift(20) == pytest.approx(2.0)
    tot = pd.DataFrame({"self": [80.0, 95.0], "peer": [70.0, 70.0], "poll": [70.0, 71.0]}, index=["A", "B"])
    out = ev.self_inflation(tot, to=100)
    # A: 8 + 28 + 35 = 71 -> +2 = 73; B: 9.5 + 28 + 35.5 = 73 -> +0.5 = 73.5
    assert out["shift"].tolist() == pytest.approx([2.0, 0.5])
    assert out["new_composite"].tolist() == pytest.approx([73.0, 73.5])
    assert out["rank"].tolist() == [2, 1]
    # A alone at 73 ties B's 73 -> shares first place
    assert out.loc["A", "new_rank"] == 1 and out.loc["A", "ranks_gained"] == 1


def test_weight_grid_and_rank_ranges():
    w = ev.weight_grid(0.5)
    # (self, peer) on {0, .5, 1} with self + peer ≤ 1: 6 points, each row sums to 1
    assert w.shape == (6, 3) and np.allclose(w.sum(axis=1), 1) and (w >= 0).all()
    tot = pd.DataFrame({"self": [100.0, 0.0], "peer": [0.0, 0.0], "poll": [0.0, 100.0]}, index=["A", "B"])
    rr = ev.rank_ranges(tot, step=0.5)
    # article weights: A = 10, B = 50 -> B first; self-only: A first; at (0.5, 0, 0.5) a tie (both first)
    assert rr["rank"].tolist() == [2, 1]
    assert rr["best"].tolist() == [1, 1] and rr["worst"].tolist() == [2, 2]
    # A first (or tied) where w_self ≥ w_poll: (1,0,0), (.5,.5,0), (.5,0,.5), (0,1,0) tie at 0 -> 4 of 6
    assert rr.loc["A", "share_first"] == pytest.approx(4 / 6)
    with pytest.raises(ParameterError, match="step"):
        ev.weight_grid(0)


# ----------------------------------------------------------------------------
# 1:2:7
# ----------------------------------------------------------------------------

def test_allocate_a_week_and_a_budget():
    week = ev.allocate(40)
    # 40 h: 10% = 4, 20% = 8, 70% = 28
    assert week["amount"].tolist() == pytest.approx([4, 8, 28])
    assert list(week.index) == ["管理", "协商", "服务"]
    # 1005 yuan to whole yuan: raw 100.5, 201, 703.5 -> remainders .5, 0, .5 -> first and third get
    # the spare yuan by order of largest remainder (ties in order): 101, 201, 703 (sum 1005)
    budget = ev.allocate(1005, step=1)
    assert budget["amount"].tolist() == [101, 201, 703]
    with pytest.raises(ParameterError, match="not a multiple of step"):
        ev.allocate(1005, step=10)
    with pytest.raises(ParameterError, match="total must be a finite number"):
        ev.allocate(-1)


# ----------------------------------------------------------------------------
# charts and the widget
# ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def small_quarter():
    ex = ev.hypothetical_quarter(4, households=300, seed=3)
    return ex, ex.totals(), ex.simulate(n_sims=200, seed=1)


CHARTS = {
    "quarter": lambda ex, tot, sim: ev.plot_quarter(tot, commend_at=80, rectify_below=70, title="季度成绩",
                                                    caption="说明"),
    "dimensions": lambda ex, tot, sim: ev.plot_dimensions(ev.score_quarter(ex.scores), title="各维度"),
    "vote": lambda ex, tot, sim: ev.plot_vote_rule(range(5, 31), title="表决"),
    "spread": lambda ex, tot, sim: ev.plot_poll_spread(sim, commend_at=80, rectify_below=70, title="波动"),
    "histogram": lambda ex, tot, sim: ev.plot_poll_histogram(sim, sim.units[0]),
    "status": lambda ex, tot, sim: ev.plot_status_frequencies(
        sim.status_frequencies(commend_at=80, rectify_below=70)),
    "swaps": lambda ex, tot, sim: ev.plot_swap_rates(sim),
    "stability": lambda ex, tot, sim: ev.plot_stability(
        ev.stability_curve(ex.community, tot, sizes=[20, 300], n_sims=50), confidence=0.9, article_size=100),
    "bump": lambda ex, tot, sim: ev.plot_rank_bump(ev.ranks_under_weights(tot)),
    "ranges": lambda ex, tot, sim: ev.plot_rank_ranges(ev.rank_ranges(tot, step=0.1)),
    "allocation": lambda ex, tot, sim: ev.plot_allocation(ev.allocate(40), unit="小时"),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_charts_draw_without_missing_glyphs(small_quarter, name):
    fig = CHARTS[name](*small_quarter)
    fig.canvas.draw()  # a missing glyph would warn, and matplotlib warnings are errors here
    assert fig.axes


def test_weights_explorer_builds_without_drawing():
    ex = ev.hypothetical_quarter(3, households=200, seed=2)
    box = ev.weights_explorer(ex, n_sims=50)
    assert "JupyterLab" in repr(box)
    assert callable(box.redraw)
