"""Synthetic respondents whose margins reproduce the published shares exactly.

The article gives shares, not records.  To practise cross-tabulation and
regression we build respondent-level data for an *assumed* n per group:

1. For each item (:mod:`govlib.survey.items`) whole counts are allocated
   with :func:`govlib.survey.feasible.allocate`, so every printed share is
   reproduced at its printed precision, under the stated rounding rule, with
   no rounding drift; shares stated as inequalities (超过90%) are met as
   inequalities.  An n that cannot reproduce some printed share is refused
   with the question named and the nearest feasible n suggested.
2. Each column is the fixed vector of those counts, permuted with a seeded
   ``numpy.random.Generator``.  By default the columns are permuted
   independently (*independence*: any association in the data is chance).
   With ``rho > 0`` every respondent gets a latent factor ``z`` and each
   column is assigned by ranking ``rho·z + sqrt(1-rho²)·e`` — the highest
   latent values get the answers listed last (most strain), so columns are
   positively associated while the counts stay exactly the same.
3. The two means (一票否决 items, pledges) are whole numbers per respondent
   spread in a Poisson shape (counts per value from the Poisson
   probabilities), then moved one unit at a time until their sum gives a
   mean that rounds to the printed one, and shuffled like the other columns.

The frame is marked with :func:`govlib.synthetic.mark`; every table and
chart made from it must carry :func:`govlib.synthetic.caption`.  Any
association found in it is the assumption put in, not a finding.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pandas as pd

from govlib.data import Register, load_register
from govlib.errors import ParameterError
from govlib.survey.allocation import allocate
from govlib.survey.feasible import check_rule, failing_items, nearest_feasible_n
from govlib.survey.items import COLUMN_LABELS, ITEMS, Item, items_for
from govlib.survey.questions import GROUPS, question, short_label
from govlib.synthetic import mark

RULE_ZH = {"half_up": "四舍五入（0.05进位）", "half_even": "银行家舍入（逢5取偶）"}


def _sizes(n) -> dict[str, int]:
    if isinstance(n, dict):
        sizes = dict(n)
    else:
        sizes = {"township": n, "village": n}
    known = sorted({i.group for i in ITEMS})
    for g, v in sizes.items():
        if g not in known:
            raise ParameterError(f"n: unknown respondent group {g!r}; expected one of {', '.join(known)}")
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ParameterError(f"n[{g!r}] must be a whole number of respondents >= 1, got {v!r}")
    return {g: int(v) for g, v in sizes.items()}


def check_n(group: str, n: int, rule: str = "half_up", *, register: Register | None = None) -> None:
    """Raise :class:`ParameterError` when n cannot reproduce every printed share of a group.

    The message names the questions that fail and the nearest feasible n.
    """
    bad = failing_items(group, n, rule, register=register)
    if bad:
        near = nearest_feasible_n(group, n, rule, register=register)
        what = "；".join(f"{question(i.question).title_zh}（{', '.join(i.figs)}）" for i in bad)
        raise ParameterError(
            f"n={n} for {GROUPS[group]} ({group}) cannot reproduce every published share under "
            f"{rule} rounding: {what}. Nearest feasible n for this group: {near}.")


def usable_n(group: str, n: int, rule: str = "half_up", *, register: Register | None = None) -> tuple[int, str]:
    """*n* if feasible for the group, else the nearest feasible n, with a Chinese note saying which."""
    if not failing_items(group, n, rule, register=register):
        return n, f"{GROUPS[group]}：假设样本量 n={n} 可以还原全部公布比例。"
    near = nearest_feasible_n(group, n, rule, register=register)
    return near, (f"{GROUPS[group]}：n={n} 无法让所有公布比例同时成立（{RULE_ZH.get(rule, rule)}），"
                  f"改用最接近的可行样本量 n={near}。")


def category_labels(item: Item, register: Register | None = None) -> list[str]:
    """Chinese category labels of an item, least to most strain (from register labels where possible)."""
    reg = register or load_register()
    out = []
    for c in item.cells:
        fid = c.fig or c.label_fig
        out.append(short_label(fid, reg) if fid else c.label_zh)
    return out


def _column(rng, base: np.ndarray, latent_rho: float, z) -> np.ndarray:
    """Spread a fixed vector of whole numbers >= 0 over respondents.

    Independence: a seeded shuffle.  Association: respondents are ranked by
    ``rho·z + sqrt(1-rho²)·e`` and the lowest values go to the lowest latent
    ranks; the cut points come from ``np.partition`` (linear time), and a
    continuous latent has no ties, so every count is kept exactly.
    """
    if latent_rho <= 0:
        rng.shuffle(base)
        return base
    n = base.shape[0]
    latent = latent_rho * z + np.sqrt(1 - latent_rho ** 2) * rng.standard_normal(n)
    counts = np.bincount(base)
    values = np.flatnonzero(counts)
    cum = np.cumsum(counts[values])[:-1]
    if cum.size == 0:
        return np.full(n, values[0], dtype=base.dtype)
    cuts = np.partition(latent, cum)[cum]
    return values[np.searchsorted(cuts, latent, side="right")].astype(base.dtype)


def _poisson_counts(mean: float, n: int) -> np.ndarray:
    """How many of n respondents get 0, 1, 2, … so that the spread follows a Poisson(mean) shape.

    Largest-remainder rounding of ``n·pmf``; the pmf is built by recurrence.
    """
    pmf = [np.exp(-mean)]
    while sum(pmf) < 1 - 1e-12 or len(pmf) <= mean:
        pmf.append(pmf[-1] * mean / len(pmf))
    raw = np.asarray(pmf) / sum(pmf) * n
    cnt = np.floor(raw).astype(np.int64)
    cnt[np.argsort(cnt - raw, kind="stable")[: n - int(cnt.sum())]] += 1
    return cnt


def _counts(rng, mean: float, total: int, n: int) -> np.ndarray:
    """n whole numbers >= 0, Poisson-shaped around ``mean``, summing exactly to ``total`` (not yet shuffled)."""
    cnt = _poisson_counts(mean, n)
    vals = np.repeat(np.arange(cnt.size, dtype=np.int64), cnt)
    diff = total - int(vals.sum())
    if diff > 0:
        np.add.at(vals, rng.integers(0, n, diff), 1)
    while diff < 0:
        pos = np.flatnonzero(vals > 0)
        take = rng.choice(pos, size=min(-diff, pos.size), replace=False)
        vals[take] -= 1
        diff += take.size
    return vals


def synthesize(n, *, seed: int = 0, rule: str = "half_up", rho: float = 0.0, assumed: dict | None = None,
               register: Register | None = None) -> pd.DataFrame:
    """Build synthetic respondents whose margins reproduce the published shares.

    Parameters
    ----------
    n : int or dict
        Respondents per group: an int for both township and village cadres,
        or ``{"township": …, "village": …, "respondents": …}`` (any subset;
        ``respondents`` are those of 图4, whose level the article omits).
    seed : int
        Seed of the ``numpy.random.Generator``.
    rule : {"half_up", "half_even"}
        How the article is assumed to have rounded.
    rho : float
        Loading of a shared latent factor, 0 (independence, default) to
        below 1.  The association assumption; see the module notes.
    assumed : dict, optional
        Register id -> assumed share for rows stated as inequalities
        (default: the smallest count that satisfies each).

    Returns
    -------
    pandas.DataFrame
        One row per synthetic respondent: ``group`` and one column per item
        (:data:`govlib.survey.items.COLUMN_LABELS`); questions a group was
        not asked are missing.  Marked synthetic.

    Raises
    ------
    ParameterError
        For an infeasible n (naming the question and the nearest feasible
        n), a bad rule, rho outside [0, 1) or an assumed share that
        contradicts the article.
    """
    reg = register or load_register()
    check_rule(rule)
    if not 0 <= rho < 1:
        raise ParameterError(f"rho (association) must be in [0, 1), got {rho!r}")
    sizes = _sizes(n)
    for g, size in sizes.items():
        check_n(g, size, rule, register=reg)
    rng = np.random.default_rng(seed)
    total = sum(sizes.values())
    order = [g for g in GROUPS if g in sizes]
    starts = np.cumsum([0] + [sizes[g] for g in order])
    columns: dict[str, dict] = {}
    for g, start in zip(order, starts):
        size = sizes[g]
        z = rng.standard_normal(size) if rho > 0 else None
        for it in items_for(g):
            counts = allocate(it, size, rule, assumed=assumed, register=reg)
            if it.kind == "count":
                s = counts["__sum__"]
                vals = _column(rng, _counts(rng, s / size, s, size), rho, z)
                kind, labels = "count", None
            else:
                base = np.repeat(np.arange(len(it.cells), dtype=np.int8), [counts[c.key] for c in it.cells])
                vals = _column(rng, base, rho, z)
                kind, labels = it.kind, category_labels(it, reg)
            spec = columns.setdefault(it.column, {"kind": kind, "labels": labels, "parts": []})
            if labels is not None and spec["labels"] != labels:
                raise ValueError(f"column {it.column}: categories differ between groups")
            spec["parts"].append((start, vals))
    data: dict[str, object] = {
        "group": pd.Categorical.from_codes(np.repeat(np.arange(len(order)), [sizes[g] for g in order]),
                                           categories=[GROUPS[g] for g in order])}
    for col, spec in columns.items():
        mask = np.ones(total, dtype=bool)
        if spec["kind"] == "count":
            values = np.zeros(total, dtype=np.int64)
        else:
            values = np.full(total, -1, dtype=np.int8)
        for start, vals in spec["parts"]:
            values[start:start + vals.size] = vals
            mask[start:start + vals.size] = False
        if spec["kind"] == "binary":
            data[col] = pd.arrays.BooleanArray(values == 1, mask)
        elif spec["kind"] == "count":
            data[col] = pd.arrays.IntegerArray(values, mask)
        else:
            data[col] = pd.Categorical.from_codes(values, categories=spec["labels"], ordered=True)
    df = pd.DataFrame(data)
    return mark(df, "synthetic", _how(sizes, seed, rule, rho, assumed))


def _how(sizes, seed, rule, rho, assumed) -> str:
    ns = "，".join(f"{GROUPS[g]} n={v}" for g, v in sizes.items())
    assoc = ("各题相互独立（逐列独立随机排列）" if rho == 0
             else f"各题通过一个共同潜在因子相关（载荷ρ={rho:g}），这是人为设定的关联")
    extra = "；不等式比例另有指定：" + "，".join(f"{k}={v:g}%" for k, v in assumed.items()) if assumed else ""
    return (f"假设样本量（{ns}），按{RULE_ZH[rule]}用整数分配还原文章公布的各比例；{assoc}；"
            f"“超过”一类的比例取满足不等式的最小人数{extra}；一票否决事项数与责任状张数按泊松形状生成，"
            f"再调整合计使平均数与公布值一致；随机种子 {seed}。")


# ----------------------------------------------------------------------------
# checking margins
# ----------------------------------------------------------------------------

def round_printed(num: int, den: int, decimals: int, rule: str = "half_up", *, per: int = 100) -> float:
    """``per·num/den`` rounded to ``decimals`` places under ``rule`` (exact decimal arithmetic)."""
    check_rule(rule)
    mode = ROUND_HALF_UP if rule == "half_up" else ROUND_HALF_EVEN
    with localcontext() as ctx:
        ctx.prec = 60
        x = Decimal(per * num) / Decimal(den)
        return float(x.quantize(Decimal(1).scaleb(-decimals), rounding=mode))


def synthetic_margins(df: pd.DataFrame, rule: str = "half_up", *, register: Register | None = None) -> pd.DataFrame:
    """Compare a synthetic frame's margins with the published figures.

    Returns
    -------
    pandas.DataFrame
        One row per reproduced register figure: ``id, group, column, count,
        n, share`` (synthetic, full precision), ``published``, ``qualifier``,
        ``rounded`` (at the printed precision, for exact rows) and
        ``reproduces`` (rounds to the printed value, or meets the inequality).
    """
    reg = register or load_register()
    rows = []
    for g in [k for k, v in GROUPS.items() if v in set(df["group"].astype(str))]:
        sub = df[df["group"] == GROUPS[g]]
        size = len(sub)
        for it in items_for(g):
            col = sub[it.column]
            if it.kind == "count":
                tot = int(col.sum())
                f = reg.figure(it.mean_fig)
                r = round_printed(tot, size, f.decimals, rule, per=1)
                rows.append({"id": f.id, "group": f.group, "column": it.column, "count": tot, "n": size,
                             "share": tot / size, "published": f.value, "qualifier": f.qualifier,
                             "rounded": r, "reproduces": r == f.value})
                continue
            labels = category_labels(it, reg)
            if it.kind == "binary":
                by_key = {"no": int((~col.astype(bool)).sum()), "yes": int(col.astype(bool).sum())}
            else:
                vc = col.value_counts()
                by_key = {c.key: int(vc.get(lab, 0)) for c, lab in zip(it.cells, labels)}
            targets = [(c.fig, (c.key,)) for c in it.cells if c.fig] + [(t.fig, t.cells) for t in it.totals]
            for fid, keys in targets:
                f = reg.figure(fid)
                k = sum(by_key[x] for x in keys)
                share = 100 * k / size
                if f.qualifier == "exact":
                    r = round_printed(k, size, f.decimals, rule)
                    ok = r == f.value
                else:
                    r = float("nan")
                    ok = {"over": share > f.value, "verbal_over": share > f.value,
                          "at_least": share >= f.value, "under": share < f.value}.get(f.qualifier, True)
                rows.append({"id": fid, "group": GROUPS[g], "column": it.column, "count": k, "n": size,
                             "share": share, "published": f.value, "qualifier": f.qualifier,
                             "rounded": r, "reproduces": bool(ok)})
    return mark(pd.DataFrame(rows), "synthetic", "由合成数据统计的边际，与公布数字逐项对照")


# ----------------------------------------------------------------------------
# analyses on synthetic data (each result stays marked)
# ----------------------------------------------------------------------------

#: binary outcomes built from categorical columns: name -> (column, category keys counted as 1)
OUTCOMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "wechat_many": ("wechat", ("10to20", "over20")),
    "list_not_enforced": ("list_status", ("not_enforced", "not_published")),
    "no_enforcement_team": ("enforcement", ("no_team",)),
    "purchase_any": ("purchase", ("paid_full", "paid_partial")),
}
OUTCOME_LABELS = {"wechat_many": "加入工作群较多（后两档）", "list_not_enforced": "认为清单未执行",
                  "no_enforcement_team": "无综合执法队伍", "purchase_any": "上级曾购买服务"}


def group_frame(df: pd.DataFrame, group: str, *, register: Register | None = None) -> pd.DataFrame:
    """The rows of one group with its own columns, binary columns as 0/1, plus :data:`OUTCOMES`.

    The result keeps the synthetic mark.
    """
    reg = register or load_register()
    if group not in GROUPS:
        raise ParameterError(f"group must be one of {', '.join(GROUPS)}, got {group!r}")
    sub = df[df["group"] == GROUPS[group]]
    out = pd.DataFrame(index=sub.index)
    for it in items_for(group):
        col = sub[it.column]
        if it.kind == "binary":
            out[it.column] = col.astype(bool).astype(int)
        elif it.kind == "count":
            out[it.column] = col.astype("int64")
        else:
            out[it.column] = col
    for name, (column, keys) in OUTCOMES.items():
        its = [i for i in items_for(group) if i.column == column]
        if its:
            labels = category_labels(its[0], reg)
            chosen = [lab for c, lab in zip(its[0].cells, labels) if c.key in keys]
            out[name] = sub[column].isin(chosen).astype(int)
    out.attrs.update(df.attrs)
    return out


def crosstab(df: pd.DataFrame, group: str, row: str, col: str, *, percent: bool = False) -> pd.DataFrame:
    """Cross-tabulate two columns of one group of a synthetic frame (marked synthetic).

    Parameters
    ----------
    percent : bool
        Row percentages (0 decimals) instead of counts.
    """
    sub = group_frame(df, group)
    tab = pd.crosstab(sub[row], sub[col], margins=True, margins_name="合计")
    if percent:
        tab = (tab.div(tab["合计"], axis=0) * 100).round(0).astype(int)
    tab.index.name = COLUMN_LABELS.get(row, OUTCOME_LABELS.get(row, row))
    tab.columns.name = COLUMN_LABELS.get(col, OUTCOME_LABELS.get(col, col))
    tab.attrs.update(df.attrs)
    return tab


def fit_logit(df: pd.DataFrame, group: str, outcome: str, predictors, conf: float = 0.95):
    """Logistic regression on one group of a synthetic frame (statsmodels).

    Parameters
    ----------
    outcome : str
        A binary column of the group or a key of :data:`OUTCOMES`.
    predictors : sequence of str
        Columns of the group (binary, count or categorical).

    Returns
    -------
    result, table : statsmodels result and a tidy DataFrame
        The table (marked synthetic) has ``term, label, coef, odds_ratio,
        or_low, or_high, p_value``.
    """
    import statsmodels.formula.api as smf

    sub = group_frame(df, group)
    missing = [c for c in [outcome, *predictors] if c not in sub.columns]
    if missing:
        raise ParameterError(f"columns {', '.join(missing)} are not in group {group!r}; "
                             f"available: {', '.join(sub.columns)}")
    terms = [f"C({p})" if isinstance(sub[p].dtype, pd.CategoricalDtype) else p for p in predictors]
    res = smf.logit(f"{outcome} ~ " + " + ".join(terms), data=sub).fit(disp=False)
    ci = res.conf_int(alpha=1 - conf)
    table = pd.DataFrame({
        "term": res.params.index,
        "label": [COLUMN_LABELS.get(t, "截距" if t == "Intercept" else t) for t in res.params.index],
        "coef": res.params.values, "odds_ratio": np.exp(res.params.values),
        "or_low": np.exp(ci[0].values), "or_high": np.exp(ci[1].values), "p_value": res.pvalues.values,
    })
    table.attrs.update(df.attrs)
    return res, table
