"""Milestone timelines from the register's date rows.

A date row (qualifier ``date``) holds its date in one of four precisions:
``YYYY`` (only the year is printed), ``YYYY-MM``, ``YYYY-MM-DD``, or
``--MM-DD`` — a month and day printed *without* a year, as in the Chengdu
report.  A timeline never guesses a missing year: dated milestones go on a
time axis (a year-only or month-only date is drawn as a span over the whole
year or month), and year-less ones go on a separate month-and-day lane whose
axis shows no year at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from govlib.data import Register, load_register
from govlib.frameworks.diagram import wrap_label

__all__ = ["Milestone", "parse_date", "milestones", "date_ids", "months_between", "plot_timeline"]

_DATE = re.compile(r"^(?:(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|--(\d{2})-(\d{2}))$")
#: a leap year used only to place year-less dates on the month-and-day lane (never shown)
_LANE_YEAR = 2000


@dataclass(frozen=True)
class Milestone:
    """One dated register row.

    Attributes
    ----------
    id : str
        Register id.
    date : str
        The date as stored (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``--MM-DD``).
    year, month, day : int or None
        The parts the article prints.
    precision : {"day", "month", "year", "no-year"}
    label : str
        What happened (the register's ``label_zh`` unless overridden).
    text : str
        The published wording of the date (e.g. ``X年X月X日``).
    source : str
        Source id of the row.
    """

    id: str
    date: str
    year: int | None
    month: int | None
    day: int | None
    precision: str
    label: str
    text: str
    source: str = ""


def parse_date(text: str) -> tuple[int | None, int | None, int | None, str]:
    """Split a register date into (year, month, day, precision).

    Parameters
    ----------
    text : str
        ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``--MM-DD``.

    Returns
    -------
    tuple
        ``(year, month, day, precision)`` with None for parts not printed;
        precision is ``"year"``, ``"month"``, ``"day"`` or ``"no-year"``.

    Raises
    ------
    ValueError
        For any other form, or a month or day out of range.
    """
    m = _DATE.match(text or "")
    if not m:
        raise ValueError(f"date {text!r} must be YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD")
    y, mo, d, nm, nd = m.groups()
    if nm:
        year, month, day, precision = None, int(nm), int(nd), "no-year"
    else:
        year = int(y)
        month = int(mo) if mo else None
        day = int(d) if d else None
        precision = "day" if day else "month" if month else "year"
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"date {text!r}: month {month} is not 1–12")
    if day is not None:
        import calendar

        last = calendar.monthrange(year if year else _LANE_YEAR, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"date {text!r}: day {day} is not in month {month}")
    return year, month, day, precision


def milestones(ids: Sequence[str], *, labels: Mapping[str, str] | None = None,
               register: Register | None = None) -> list[Milestone]:
    """Milestones for register date rows, in the order given.

    Parameters
    ----------
    ids : sequence of str
        Ids of rows with qualifier ``date``.
    labels : mapping, optional
        Id -> a short label to use instead of ``label_zh``.

    Raises
    ------
    ValueError
        When an id is not a date row (naming it and its qualifier) or the
        list is empty.
    """
    reg = register or load_register()
    if not ids:
        raise ValueError("ids is empty: give at least one date row")
    labels = dict(labels or {})
    unknown = sorted(set(labels) - set(ids))
    if unknown:
        raise ValueError(f"labels given for ids not in the timeline: {', '.join(unknown)}")
    out = []
    for fid in ids:
        f = reg.figure(fid)
        if f.qualifier != "date" or not f.date:
            raise ValueError(f"{fid} is a {f.qualifier} row, not a date row; a timeline shows date rows only")
        y, m, d, p = parse_date(f.date)
        out.append(Milestone(id=fid, date=f.date, year=y, month=m, day=d, precision=p,
                             label=labels.get(fid, f.label_zh), text=f.text, source=f.source))
    return out


def date_ids(source: str, *, register: Register | None = None) -> list[str]:
    """The date rows of one article, in time order.

    Rows with a year come first, by the start of the period they cover; rows
    without a printed year follow, by month and day (they cannot be placed
    among the others).

    Parameters
    ----------
    source : str
        A source id, e.g. ``"chengdu"``.

    Raises
    ------
    ValueError
        When the article has no date rows.
    """
    reg = register or load_register()
    ids = [i for i in reg.ids(source) if reg.figure(i).qualifier == "date"]
    if not ids:
        raise ValueError(f"source {source!r} has no date rows in the register")
    ms = milestones(ids, register=reg)
    dated = sorted((m for m in ms if m.year is not None),
                   key=lambda m: (m.year, m.month or 1, m.day or 1, m.precision != "year"))
    undated = sorted((m for m in ms if m.year is None), key=lambda m: (m.month, m.day))
    return [m.id for m in dated + undated]


def months_between(earlier: str, later: str, *, register: Register | None = None) -> int:
    """Whole calendar months from one dated row to another (later minus earlier).

    Both rows must print at least a year and a month.

    Raises
    ------
    ValueError
        When a row has no year or no month (its position is not known to the month).
    """
    a, b = milestones([earlier, later], register=register)
    for m in (a, b):
        if m.year is None or m.month is None:
            what = "no year" if m.year is None else "no month"
            raise ValueError(f"{m.id} ({m.date}) has {what}; months between dates need year and month")
    return (b.year - a.year) * 12 + (b.month - a.month)


def _x(m: Milestone):
    """Start and end (matplotlib date numbers) of the period a milestone covers."""
    import datetime as dt

    import matplotlib.dates as mdates

    year = m.year if m.year is not None else _LANE_YEAR
    if m.precision == "year":
        start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    elif m.precision == "month":
        start = dt.date(year, m.month, 1)
        end = dt.date(year + (m.month == 12), m.month % 12 + 1, 1)
    else:
        start = dt.date(year, m.month, m.day)
        end = start + dt.timedelta(days=1)
    return mdates.date2num(start), mdates.date2num(end)


_PRECISION_ZH = {"day": "", "month": "（只印到月）", "year": "（只印年份）", "no-year": "（未印年份）"}


def _draw_lane(ax, ms: list[Milestone], wrap: int, color: str, tags: Mapping[str, str]):
    """Draw milestones on one axis, labels alternating above and below the line."""
    ax.axhline(0, color="#555555", lw=1.2, zorder=1)
    for k, m in enumerate(sorted(ms, key=lambda m: _x(m)[0])):
        x0, x1 = _x(m)
        up = 1 if k % 2 == 0 else -1
        if m.precision in ("year", "month"):
            ax.axvspan(x0, x1, ymin=0.44, ymax=0.56, color=color, alpha=0.35, lw=0)
        ax.plot([x0], [0], "o", color=color, ms=7, zorder=3)
        ax.plot([x0, x0], [0, 0.45 * up], color=color, lw=0.8, zorder=2)
        label = (wrap_label(m.label, wrap) + f"\n{m.text}{_PRECISION_ZH[m.precision]}"
                 + tags.get(m.source, ""))
        ax.text(x0, 0.5 * up, label, ha="center", va="bottom" if up > 0 else "top", fontsize=9,
                bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": color, "lw": 0.8})
    ax.set_ylim(-1.9, 1.9)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)


def plot_timeline(ids: Sequence[str], *, labels: Mapping[str, str] | None = None, title: str | None = None,
                  wrap: int = 11, register: Register | None = None):
    """Draw a milestone timeline of register date rows.

    Dated milestones sit on a time axis; a date printed only to the year
    or month is drawn as a shaded span over that year or month.  Milestones
    whose year the article does not print get their own lane below, placed by
    month and day on an axis that shows months only — no year is guessed.

    When the rows come from more than one article, each label names its
    article, so a year printed by one source is never read into another.

    Parameters
    ----------
    ids : sequence of str
        Date rows to show.
    labels : mapping, optional
        Id -> short label (default ``label_zh``).
    title : str, optional
    wrap : int
        Characters per line of a label.
    register : Register, optional

    Returns
    -------
    matplotlib.figure.Figure
        One axis, or two when some milestones have no year.
    """
    import datetime as dt

    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    reg = register or load_register()
    ms = milestones(ids, labels=labels, register=reg)
    sources = sorted({m.source for m in ms})
    tags = ({s: f"\n（据{reg.source(s)['short_zh'].split('：')[0]}文）" for s in sources}
            if len(sources) > 1 else {})
    dated = [m for m in ms if m.precision != "no-year"]
    undated = [m for m in ms if m.precision == "no-year"]
    lanes = [x for x in (dated, undated) if x]
    heights = [3.4 if lane is dated else 2.8 for lane in lanes]
    fig, axes = plt.subplots(len(lanes), 1, figsize=(9.5, sum(heights)), squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    k = 0
    if dated:
        ax = axes[k, 0]
        k += 1
        _draw_lane(ax, dated, wrap, "#b22222", tags)
        lo = min(_x(m)[0] for m in dated)
        hi = max(_x(m)[1] for m in dated)
        pad = max(75.0, 0.08 * (hi - lo))
        ax.set_xlim(lo - pad, hi + pad)
        years = range(min(m.year for m in dated), max(m.year for m in dated) + 1)
        # ticks only at the years the milestones span, so the axis suggests no other year
        ax.xaxis.set_major_locator(plt.FixedLocator([mdates.date2num(dt.date(y, 1, 1)) for y in years]))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y年"))
        ax.set_title("有年份的节点（浅色横条：原文只印到年或月）", loc="left", fontsize=10)
    if undated:
        ax = axes[k, 0]
        _draw_lane(ax, undated, wrap, "#6a5acd", tags)
        ax.set_xlim(mdates.date2num(dt.date(_LANE_YEAR, 1, 1)), mdates.date2num(dt.date(_LANE_YEAR, 12, 31)))
        ax.xaxis.set_major_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{mdates.num2date(v).month}月"))
        ax.set_title("原文未印年份的节点：只按月日排列，不推定年份", loc="left", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
