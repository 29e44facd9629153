"""What the missing sample size means: intervals, comparisons and power as functions of n.

The article prints shares but no sample sizes, so every statement about
uncertainty depends on an *assumed* n.  The functions here take the
published shares as the sample shares (``count = share·n``, fractional
counts allowed so that curves over n are smooth) and an assumed n:

- :func:`wilson` — Wilson score interval (statsmodels ``proportion_confint``);
- :func:`compare` and :func:`significance_n` — township vs village
  differences (two-proportion z test, or chi-square for a distribution) and
  the n per group at which each would become significant;
- :func:`power_n` — the n per group needed to detect the observed
  difference with a given power.

Comparisons listed in :data:`COMPARISONS` use printed rows, or rows the
register derives from them (marked 推算 when shown), or sums of printed rows
(also derived).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from govlib.data import Register, load_register
from govlib.errors import ParameterError


def _check_conf(conf: float) -> float:
    if not 0 < conf < 1:
        raise ParameterError(f"confidence level conf must be between 0 and 1, got {conf!r}")
    return conf


def wilson(share, n, conf: float = 0.95):
    """Wilson score interval of a share, in percent.

    Parameters
    ----------
    share : float or array
        The sample share in percent (67.2 for 67.2%).
    n : int or array
        Sample size (assumed).
    conf : float
        Confidence level.

    Returns
    -------
    low, high : float or arrays, in percent
    """
    from statsmodels.stats.proportion import proportion_confint

    _check_conf(conf)
    share, n = np.asarray(share, dtype=float), np.asarray(n, dtype=float)
    if (n < 1).any():
        raise ParameterError("sample size n must be at least 1")
    lo, hi = proportion_confint(share / 100 * n, n, alpha=1 - conf, method="wilson")
    return lo * 100, hi * 100


def interval_ids(register: Register | None = None) -> list[str]:
    """The questionnaire's printed exact percentages: the shares the lesson draws Wilson intervals for.

    Returns
    -------
    list of str
        Register ids in questionnaire order (derived rows, bounds and means left out).
    """
    from govlib.survey.questions import questionnaire_ids

    reg = register or load_register()
    return [i for i in questionnaire_ids(reg, derived=False)
            if reg.figure(i).qualifier == "exact" and reg.figure(i).unit == "%"]


def assumed_sizes(n_township: int, n_village: int) -> dict:
    """The lesson's assumed n per sample group; respondents of unstated level borrow the village n."""
    return {"township": n_township, "village": n_village, "respondents": n_village}


def interval_table(ids, n: int, conf: float = 0.95, *, register: Register | None = None) -> pd.DataFrame:
    """Wilson intervals of printed shares at one assumed n (per row's group).

    Parameters
    ----------
    ids : iterable of str
        Register ids of printed exact shares.
    n : int or dict
        Assumed n, or group key -> n.

    Returns
    -------
    pandas.DataFrame
        ``id, label, group, share, n, low, high, width``.
    """
    from govlib.survey.questions import group_key, short_label

    reg = register or load_register()
    rows = []
    for fid in ids:
        f = reg.figure(fid)
        if f.qualifier != "exact" or f.unit != "%":
            raise ValueError(f"{fid} is not a printed exact share; no interval")
        nn = n[group_key(f.group)] if isinstance(n, dict) else n
        lo, hi = wilson(f.value, nn, conf)
        rows.append({"id": fid, "label": short_label(fid, reg), "group": f.group, "share": f.value,
                     "n": int(nn), "low": float(lo), "high": float(hi), "width": float(hi - lo)})
    return pd.DataFrame(rows)


def interval_curves(ids, ns, conf: float = 0.95, *, register: Register | None = None) -> pd.DataFrame:
    """Wilson intervals of printed shares over a range of assumed n (long format)."""
    reg = register or load_register()
    ns = np.asarray(list(ns))
    parts = []
    for fid in ids:
        f = reg.figure(fid)
        lo, hi = wilson(np.full(ns.shape, f.value), ns, conf)
        parts.append(pd.DataFrame({"id": fid, "share": f.value, "n": ns, "low": lo, "high": hi}))
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------
# township vs village
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """A township-vs-village comparison.

    Parameters
    ----------
    key : str
    title_zh : str
        Title; empty to use the register label of the first township row.
    township, village : tuple of tuple of str
        One tuple of register ids per category; a category's share is the
        sum of its rows.  One category: a two-proportion test; several: a
        chi-square test of the distribution (the categories must cover
        everyone).
    """

    key: str
    title_zh: str
    township: tuple[tuple[str, ...], ...]
    village: tuple[tuple[str, ...], ...]

    def title(self, reg: Register) -> str:
        """The title, from the register label when ``title_zh`` is empty."""
        from govlib.survey.questions import short_label

        if self.title_zh:
            return self.title_zh
        derived = any(reg.figure(i).derived for i in self.ids)
        return short_label(self.township[0][0], reg) + ("（推算）" if derived else "")

    def shares(self, reg: Register) -> tuple[np.ndarray, np.ndarray]:
        """Category shares (fractions) of each group."""
        def s(cats):
            return np.array([sum(reg.value(i) for i in cat) for cat in cats]) / 100
        return s(self.township), s(self.village)

    @property
    def ids(self) -> tuple[str, ...]:
        """Every register id used."""
        return tuple(i for cats in (self.township, self.village) for cat in cats for i in cat)


COMPARISONS: dict[str, Comparison] = {c.key: c for c in (
    Comparison("wechat-distribution", "微信工作群数量的分布（三档，其中一档为推算）",
               (("qz-wechat-township-over20",), ("qz-wechat-township-10to20",), ("qz-wechat-township-under10",)),
               (("qz-wechat-village-over20",), ("qz-wechat-village-10to20",), ("qz-wechat-village-under10",))),
    Comparison("wechat-over20", "",
               (("qz-wechat-township-over20",),), (("qz-wechat-village-over20",),)),
    Comparison("wechat-10to20", "",
               (("qz-wechat-township-10to20",),), (("qz-wechat-village-10to20",),)),
    Comparison("wechat-over10", "",
               (("qz-wechat-township-over10",),), (("qz-wechat-village-over10",),)),
    Comparison("list-not-done", "清单未执行或未落实（乡镇取两项之和，推算）",
               (("qz-list-published-not-enforced", "qz-list-not-published"),),
               (("qz-village-list-not-implemented",),)),
)}


def comparison(key: str) -> Comparison:
    """Look a comparison up by key."""
    try:
        return COMPARISONS[key]
    except KeyError:
        raise KeyError(f"no comparison {key!r}; known: {', '.join(COMPARISONS)}") from None


def test_at(key: str, n_township, n_village=None, *, register: Register | None = None) -> dict:
    """The test of a comparison at assumed sample sizes.

    Returns
    -------
    dict
        ``statistic`` (z, or chi-square), ``p_value``, ``test`` (``z`` or
        ``chi2``), ``df`` and the shares of each group (fractions).
    """
    from scipy.stats import chi2_contingency
    from statsmodels.stats.proportion import proportions_ztest

    reg = register or load_register()
    c = comparison(key)
    n1 = float(n_township)
    n2 = float(n_village if n_village is not None else n_township)
    if n1 < 2 or n2 < 2:
        raise ParameterError("sample sizes for a comparison must be at least 2")
    a, b = c.shares(reg)
    if len(a) == 1:
        z, p = proportions_ztest([a[0] * n1, b[0] * n2], [n1, n2])
        return {"test": "z", "statistic": float(z), "p_value": float(p), "df": 1,
                "township": a, "village": b}
    if abs(a.sum() - 1) > 1e-6 or abs(b.sum() - 1) > 1e-6:
        raise ValueError(f"comparison {key}: categories must add up to 100% in each group")
    stat, p, dof, _ = chi2_contingency(np.vstack([a * n1, b * n2]), correction=False)
    return {"test": "chi2", "statistic": float(stat), "p_value": float(p), "df": int(dof),
            "township": a, "village": b}


def significance_n(key: str, conf: float = 0.95, *, register: Register | None = None,
                   limit: int = 10_000_000) -> int:
    """Smallest equal n per group at which the difference is significant (p < 1 - conf).

    The test statistics grow with n when the shares are held fixed, so the
    p-value falls monotonically and a bisection finds the first n.
    """
    alpha = 1 - _check_conf(conf)
    reg = register or load_register()

    def sig(n):
        return test_at(key, n, register=reg)["p_value"] < alpha

    hi = 2
    while not sig(hi):
        hi *= 2
        if hi > limit:
            raise ValueError(f"comparison {key} is not significant for any n up to {limit}")
    lo = max(2, hi // 2)
    if sig(lo):
        return lo
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if sig(mid) else (mid, hi)
    return hi


def power_n(key: str, conf: float = 0.95, power: float = 0.8, *, register: Register | None = None) -> int:
    """n per group needed to detect the observed difference with the given power.

    Two-proportion comparisons use Cohen's *h* with statsmodels
    ``NormalIndPower``; distributions use Cohen's *w* with
    ``GofChisquarePower`` (total sample, split equally).

    Returns
    -------
    int
        Rounded up.
    """
    from scipy.stats import chi2_contingency
    from statsmodels.stats.power import GofChisquarePower, NormalIndPower
    from statsmodels.stats.proportion import proportion_effectsize

    alpha = 1 - _check_conf(conf)
    if not 0 < power < 1:
        raise ParameterError(f"power must be between 0 and 1, got {power!r}")
    reg = register or load_register()
    a, b = comparison(key).shares(reg)
    if len(a) == 1:
        h = abs(proportion_effectsize(a[0], b[0]))
        n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power, ratio=1.0)
        return int(math.ceil(n))
    stat = chi2_contingency(np.vstack([a, b]), correction=False)[0]  # one respondent per group
    w = math.sqrt(stat / 2)
    total = GofChisquarePower().solve_power(effect_size=w, alpha=alpha, power=power, n_bins=len(a))
    return int(math.ceil(total / 2))


def comparison_table(keys, n_township: int, n_village: int | None = None, conf: float = 0.95, *,
                     register: Register | None = None, power: float = 0.8) -> pd.DataFrame:
    """One row per comparison: test at the assumed n, the n where it becomes significant, power n."""
    reg = register or load_register()
    rows = []
    for k in keys:
        t = test_at(k, n_township, n_village, register=reg)
        rows.append({"key": k, "title": comparison(k).title(reg), "test": t["test"], "df": t["df"],
                     "statistic": t["statistic"], "p_value": t["p_value"],
                     "significant": t["p_value"] < 1 - conf,
                     "n_significant": significance_n(k, conf, register=reg),
                     "n_power": power_n(k, conf, power, register=reg)})
    return pd.DataFrame(rows)


def p_value_curves(keys, ns, *, register: Register | None = None) -> pd.DataFrame:
    """p-values of comparisons over equal n per group (long format: key, n, p_value)."""
    reg = register or load_register()
    rows = [{"key": k, "n": int(n), "p_value": test_at(k, int(n), register=reg)["p_value"]}
            for k in keys for n in ns]
    return pd.DataFrame(rows)
