"""Marking synthetic and hypothetical data so it can never pass for a survey's own.

Lessons need data the articles do not give: respondent-level records built
from published margins, example communities, example villages.  Every such
table is marked with :func:`mark`; charts and tables made from it carry
:func:`caption`, which says what the data are.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["synthetic", "hypothetical"]

LABELS = {
    "synthetic": "合成数据：依据文章公布的比例生成，并非调查原始数据",
    "hypothetical": "虚构示例：文章未公布此类数据，仅供练习",
}
_KEY = "govlib_provenance"


def mark(df, kind: Kind = "synthetic", how: str = ""):
    """Mark a DataFrame as synthetic or hypothetical (in place) and return it.

    Parameters
    ----------
    df : pandas.DataFrame
    kind : {"synthetic", "hypothetical"}
        ``synthetic``: generated from published margins; ``hypothetical``: made
        up for an exercise, no published counterpart.
    how : str
        One sentence (Chinese) on how it was made, e.g. the assumption used.
    """
    if kind not in LABELS:
        raise ValueError(f"kind must be one of {', '.join(LABELS)}, not {kind!r}")
    df.attrs[_KEY] = {"kind": kind, "how": how}
    return df


def provenance(df) -> dict | None:
    """``{"kind": …, "how": …}`` for a marked frame, else None."""
    return df.attrs.get(_KEY)


def is_synthetic(df) -> bool:
    """True when the frame is marked synthetic or hypothetical."""
    return provenance(df) is not None


def caption(text: str, df=None, *, kind: Kind | None = None) -> str:
    """A caption that says what the data are when they are not published figures.

    Parameters
    ----------
    text : str
        The caption proper.
    df : DataFrame, optional
        A frame marked with :func:`mark`; its kind is used.
    kind : {"synthetic", "hypothetical"}, optional
        Use when there is no frame at hand.

    Returns
    -------
    str
        ``text`` followed by ``【合成数据：…】`` or ``【虚构示例：…】`` where needed.
    """
    if df is not None and provenance(df):
        kind = provenance(df)["kind"]
    if kind is None:
        return text
    return f"{text}【{LABELS[kind]}】"


def banner(df=None, *, kind: Kind | None = None):
    """A visible warning box for a notebook, naming the kind of data and how it was made."""
    from govlib.display import note

    info = provenance(df) if df is not None else None
    kind = info["kind"] if info else kind
    if kind is None:
        raise ValueError("banner needs a marked frame or a kind")
    how = f"生成方式：{info['how']}" if info and info["how"] else ""
    return note(f"注意——{LABELS[kind]}。{how}", kind="warning")
