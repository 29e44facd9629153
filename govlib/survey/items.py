"""How the printed shares of each question fit together, as respondent-level columns.

Each :class:`Item` is one column of respondent data for one group.  Its
categories (:class:`Cell`) either carry a printed share (a register id) or
are not printed (the remainder, or a part the article only implies).  A
:class:`Total` says that a printed share covers several categories together
(41.1% = paid in full + paid in part; "over 60%" = no team + a team thought
inefficient; "more than half" = 10–20 groups + over 20 groups).

These specs are used twice, by the same code: to find which sample sizes are
possible (:mod:`govlib.survey.feasible`) and to allocate integer counts for
synthetic respondents (:mod:`govlib.survey.respondents`).

Categories are listed from the answer least to most indicative of strain on
the cadre; that order only matters when synthetic data are generated with an
association (a shared latent factor), and it is our assumption.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    """One answer category.

    Parameters
    ----------
    key : str
        Category key.
    fig : str or None
        Register id of its printed share; None when the article prints none.
    label_zh : str or None
        Our label when ``fig`` and ``label_fig`` are None.
    label_fig : str or None
        A register row (usually derived) whose label names this category.
    """

    key: str
    fig: str | None = None
    label_zh: str | None = None
    label_fig: str | None = None


@dataclass(frozen=True)
class Total:
    """A printed share (``fig``) that covers several categories of an item."""

    fig: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One respondent-level column of one group.

    Parameters
    ----------
    column : str
        Column name in the synthetic frame.
    group : str
        Group key (``township``, ``village``, ``respondents``).
    question : str
        Key in :data:`govlib.survey.questions.QUESTIONS`.
    kind : {"binary", "categorical", "count"}
        ``binary``: cells are ``no`` and ``yes``; ``count``: a whole number
        per respondent whose mean is the printed row ``mean_fig``.
    cells : tuple of Cell
        Categories, least to most strain.
    totals : tuple of Total
    mean_fig : str or None
        For ``count`` items, the register id of the printed mean.
    """

    column: str
    group: str
    question: str
    kind: str
    cells: tuple[Cell, ...] = ()
    totals: tuple[Total, ...] = ()
    mean_fig: str | None = None

    @property
    def figs(self) -> list[str]:
        """Register ids this item reproduces (printed shares and totals, or the mean)."""
        if self.kind == "count":
            return [self.mean_fig]
        return [c.fig for c in self.cells if c.fig] + [t.fig for t in self.totals]


def _binary(column, group, question, fig):
    return Item(column, group, question, "binary", (Cell("no", label_zh="否"), Cell("yes", fig)))


def _wechat(group):
    return Item("wechat", group, "wechat", "categorical", (
        Cell("under10", label_fig=f"qz-wechat-{group}-under10"),
        Cell("10to20", f"qz-wechat-{group}-10to20"),
        Cell("over20", f"qz-wechat-{group}-over20"),
    ), (Total("qz-wechat-over10-half", ("10to20", "over20")),))


ITEMS: tuple[Item, ...] = (
    # ------------------------------------------------------------ township cadres
    Item("list_status", "township", "list_township", "categorical", (
        Cell("enforced", "qz-list-published-enforced"),
        Cell("unclear", "qz-list-unclear"),
        Cell("not_enforced", "qz-list-published-not-enforced"),
        Cell("not_published", "qz-list-not-published"),
    )),
    Item("enforcement", "township", "enforcement", "categorical", (
        Cell("other", label_zh="未认为执法队伍效率不高"),
        Cell("inefficient", label_zh="有执法队伍但认为效率不高"),
        Cell("no_team", "qz-no-enforcement-team"),
    ), (Total("qz-enforcement-inefficient-over60", ("inefficient", "no_team")),)),
    _binary("mobility", "township", "incentive_township", "qz-mobility-promotion"),
    _binary("grid_weak", "township", "grid", "qz-grid-integration-weak"),
    _wechat("township"),
    Item("veto", "township", "accountability", "count", mean_fig="qz-veto-township"),
    Item("pledge", "township", "accountability", "count", mean_fig="qz-pledge-township"),
    # ------------------------------------------------------------ village cadres
    _binary("list_not_implemented", "village", "list_village", "qz-village-list-not-implemented"),
    _binary("responsible", "village", "purchase", "qz-village-responsible-over90"),
    Item("purchase", "village", "purchase", "categorical", (
        Cell("paid_full", "qz-purchase-paid-full"),
        Cell("no_purchase", label_zh="未反映上级以购买服务方式要求协助"),
        Cell("paid_partial", "qz-purchase-paid-partial"),
    ), (Total("qz-purchase-services", ("paid_full", "paid_partial")),)),
    _wechat("village"),
    Item("veto", "village", "accountability", "count", mean_fig="qz-veto-village"),
    Item("pledge", "village", "accountability", "count", mean_fig="qz-pledge-village"),
    # ------------------------------------------------------------ respondents, level not stated
    _binary("pay_workload", "respondents", "incentive_village", "qz-pay-workload"),
)

#: Chinese names of the synthetic columns
COLUMN_LABELS: dict[str, str] = {
    "group": "受访群体",
    "list_status": "乡镇权责清单情况",
    "enforcement": "综合执法队伍",
    "mobility": "首选拓宽流动晋升通道",
    "grid_weak": "认为网格横向整合不足",
    "wechat": "微信工作群数量",
    "veto": "“一票否决”事项数",
    "pledge": "责任状张数",
    "list_not_implemented": "认为清单未落实到位",
    "responsible": "曾作为责任主体",
    "purchase": "上级购买服务情况",
    "pay_workload": "首选提收入并与任务量挂钩",
}


def items_for(groups) -> list[Item]:
    """The items of one group key or of several.

    Raises
    ------
    ValueError
        For an unknown group key.
    """
    if isinstance(groups, str):
        groups = (groups,)
    known = sorted({i.group for i in ITEMS})
    bad = [g for g in groups if g not in known]
    if bad:
        raise ValueError(f"unknown respondent group {bad[0]!r}; expected one of {', '.join(known)}")
    return [i for i in ITEMS if i.group in groups]
