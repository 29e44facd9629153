"""Showing register figures in notebooks, each traceable to its row.

Every figure is rendered as ``<span class="gv-fig" data-fig="ID">wording</span>``.
The course build collects these ids to list, per lesson, which figures it
shows; the tests compare each span's text with the register.  A notebook
therefore never types a published number: it names figure ids, and this
module puts in their published wording and citation.

All text that reaches HTML is escaped.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Sequence

from govlib.data import Register, load_register


class HTML:
    """A small HTML fragment with a plain-text fallback, displayed by Jupyter."""

    def __init__(self, html_text: str, plain: str = ""):
        self.html = html_text
        self.plain = plain

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain or self.html

    def __str__(self) -> str:
        return self.html


def _esc(x) -> str:
    return html.escape("" if x is None else str(x))


def html_table(head: Sequence[str], rows: Iterable[Sequence[str]], *, caption: str | None = None,
               plain: str = "", classes: str = "gv-table") -> HTML:
    """A ``gv-table``: the one HTML-table helper every lesson module uses.

    Parameters
    ----------
    head : sequence of str
        Header texts (escaped here).
    rows : iterable of sequence of str
        Cells that are already HTML (escape plain text with ``_esc`` first).
    caption : str, optional
        Caption text (escaped here).
    plain : str
        The plain-text fallback Jupyter shows outside HTML.
    classes : str
        The table's class attribute.
    """
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    h = "<tr>" + "".join(f"<th>{_esc(x)}</th>" for x in head) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return HTML(f'<table class="{_esc(classes)}">{cap}<thead>{h}</thead><tbody>{body}</tbody></table>', plain)


def cite_link(fig_id: str, *, register: Register | None = None) -> str:
    """A figure's citation as HTML, linked to its article in the course bibliography page.

    The link points at ``references.html#ref-<source>`` at the site root (see
    :mod:`govlib.reference`); the text is :meth:`Register.cite`.
    """
    from govlib.reference import reference_href

    from govlib.data import derived_ids

    reg = register or load_register()
    fig = reg.figure(fig_id)
    text = _esc(reg.cite(fig_id))
    if fig.derived:  # the ids a derived figure is computed from are code, shown as such
        for did in sorted(set(derived_ids(fig.derived_from)), key=len, reverse=True):
            text = re.sub(rf"(?<![\w-]){re.escape(_esc(did))}(?![\w-])", f"<code>{_esc(did)}</code>", text)
    return f'<a class="gv-cite" data-gv-link="index" href="{_esc(reference_href(fig.source))}">{text}</a>'


def fig_span(fig_id: str, *, register: Register | None = None) -> str:
    """The HTML span of one figure, in its published wording."""
    reg = register or load_register()
    f = reg.figure(fig_id)
    title = f"{f.label_zh}｜{reg.cite(fig_id)}"
    return (f'<span class="gv-fig" data-fig="{_esc(f.id)}" title="{_esc(title)}">'
            f"{_esc(f.text)}</span>")


def say(template: str, register: Register | None = None, **figs: str) -> HTML:
    """A paragraph whose numbers come from the register, with numbered citations.

    Parameters
    ----------
    template : str
        Text with ``{name}`` placeholders, e.g. ``"蒲江县面积{area}。"``.
    **figs
        Placeholder name -> figure id.

    Returns
    -------
    HTML
        The paragraph, each figure followed by a citation mark, and the
        citations listed under it.

    Examples
    --------
    >>> say("鲤城区在{n}条街巷设立党员街巷长。", n="qz-licheng-streets")  # doctest: +SKIP
    """
    reg = register or load_register()
    names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    unknown = sorted(set(names) - set(figs))
    if unknown:
        raise KeyError(f"placeholders without a figure id: {', '.join(unknown)}")
    order: list[str] = []
    for name in names:
        if figs[name] not in order:
            order.append(figs[name])
    marks = {fid: i + 1 for i, fid in enumerate(order)}
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(_esc(literal))
        if field:
            fid = figs[field]
            parts.append(fig_span(fid, register=reg) + f'<sup class="gv-ref">[{marks[fid]}]</sup>')
    refs = "".join(f"<li>[{marks[f]}] {cite_link(f, register=reg)}</li>" for f in order)
    body = f'<div class="gv-say"><p>{"".join(parts)}</p><ul class="gv-cites" style="list-style:none;padding-left:0;font-size:0.85em;color:#555">{refs}</ul></div>'
    plain = template.format(**{k: reg.figure(v).text for k, v in figs.items()})
    return HTML(body, plain)


def figure_table(ids: Iterable[str], *, register: Register | None = None,
                 columns: Sequence[str] = ("label_zh", "group", "text", "cite"),
                 caption: str | None = None) -> HTML:
    """A table of figures: what is measured, for whom, the figure, the citation.

    Parameters
    ----------
    ids : iterable of str
        Figure ids, in the order to show.
    columns : sequence of str
        Any of ``label_zh``, ``group``, ``period``, ``text``, ``cite``,
        ``qualifier``, ``note``, ``id``.
    caption : str, optional
        Table caption (escaped).
    """
    reg = register or load_register()
    heads = {"label_zh": "所测内容", "group": "对象/地点", "period": "时间", "text": "数字",
             "cite": "出处", "qualifier": "限定", "note": "说明", "id": "编号"}
    rows = []
    for fid in ids:
        f = reg.figure(fid)
        cells = []
        for c in columns:
            if c == "text":
                cells.append(fig_span(fid, register=reg))
            elif c == "cite":
                cells.append(cite_link(fid, register=reg))
            elif c == "id":
                cells.append(f"<code>{_esc(fid)}</code>")
            else:
                cells.append(_esc(getattr(f, c)))
        rows.append(cells)
    return html_table([heads[c] for c in columns], rows, caption=caption, plain=f"<{len(rows)} figures>")


def register_table(source: str, *, register: Register | None = None) -> HTML:
    """All figures of one article, in file order, with wording and citation."""
    reg = register or load_register()
    src = reg.source(source)
    ids = reg.ids(source)
    if not ids:
        return HTML(f'<p class="gv-empty">{_esc(src["short_zh"])}：本文未给出可登记的数字。</p>',
                    "no figures")
    return figure_table(ids, register=reg, columns=("id", "label_zh", "group", "text", "cite"),
                        caption=f"{src['short_zh']}：登记数字 {len(ids)} 项")


def sources_table(*, register: Register | None = None) -> HTML:
    """The five articles: label, authors, title, venue, year, place, script, figure count."""
    reg = register or load_register()
    heads = ["编号", "简称", "作者", "题名", "刊载", "年份", "研究地点", "原文字体", "登记数字"]
    rows = []
    for rec in reg.sources.to_dict("records"):
        s = reg.source(rec["id"])
        title = _esc(s["title"] or "（原文未载题名）")
        if s["title"] and not any("\u4e00" <= ch <= "\u9fff" for ch in s["title"]):
            # no English on a lesson page: the title itself is on the references page
            title = "（本课程所用的文本副本只见英文题名，原题与中文意思见参考文献页）"
        venue = "；".join(x for x in (s["venue"], s["issue"]) if x) or "—"
        if venue.upper().startswith("ISSN"):
            venue = ("副本未见刊名（文章编号的前一段按惯例读作国际标准连续出版物号" + venue[4:].strip().replace("；", "，推断）；", 1))
            venue = venue if "）" in venue else venue + "，推断）"
        cells = [f"<code>{_esc(s['id'])}</code>", _esc(s["short_zh"]), _esc(s["authors"] or "（未署名）"), title,
                 _esc(venue), _esc(s["year"] or "—"), _esc(s["place"]), _esc(s["script"]),
                 _esc(str(len(reg.ids(s["id"]))))]
        rows.append(cells)
    return html_table(heads, rows, plain=f"<{len(rows)} sources>")


def cites(ids: Iterable[str], *, register: Register | None = None) -> str:
    """Plain-text citations of several figures, for chart captions (deduplicated)."""
    reg = register or load_register()
    seen: list[str] = []
    for fid in ids:
        c = reg.cite(fid)
        if c not in seen:
            seen.append(c)
    return "；".join(seen)


def collapsible(summary: str, body, *, open: bool = False) -> HTML:
    """A ``<details>`` box: the summary line always shows, the body unfolds on a click.

    The body stays in the page (printing, search and the student edition keep
    it), so collapsing never hides what an exercise needs.

    Parameters
    ----------
    summary : str
        The always-visible line (escaped).
    body : HTML or str
        An :class:`HTML` fragment (kept as is) or plain text (escaped).
    open : bool
        Start unfolded.
    """
    inner = body.html if isinstance(body, HTML) else f"<p>{_esc(body)}</p>"
    flag = " open" if open else ""
    return HTML(f'<details class="gv-details"{flag}><summary>{_esc(summary)}</summary>{inner}</details>',
                summary)


def code_frame(df, *, code_columns: Sequence[str] = (), code_headers: Sequence[str] = (),
               caption: str | None = None, index: bool = False) -> HTML:
    """A DataFrame as a ``gv-table`` whose identifier cells and headers are shown as code.

    Identifiers a student types in a notebook (item ids, figure ids) are not
    words of the page: they are set in ``<code>`` like any other code.

    Parameters
    ----------
    df : pandas.DataFrame
    code_columns : sequence of str
        Columns whose cells are identifiers.
    code_headers : sequence of str
        Column headers that are identifiers.
    caption : str, optional
    index : bool
        Show the index as a first column.
    """
    frame = df.reset_index() if index else df
    cols = list(frame.columns)
    head = [f"<code>{_esc(c)}</code>" if c in code_headers else _esc(c) for c in cols]
    rows = []
    for rec in frame.itertuples(index=False):
        rows.append([f"<code>{_esc(v)}</code>" if c in code_columns else _esc(v) for c, v in zip(cols, rec)])
    cap = f"<caption>{_esc(caption)}</caption>" if caption else ""
    h = "<tr>" + "".join(f"<th>{x}</th>" for x in head) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return HTML(f'<table class="gv-table">{cap}<thead>{h}</thead><tbody>{body}</tbody></table>',
                frame.to_string())


def note(text: str, *, kind: str = "info") -> HTML:
    """A highlighted note box (e.g. the synthetic-data warning). Text is escaped."""
    return HTML(f'<div class="gv-note gv-note-{_esc(kind)}">{_esc(text)}</div>', text)


def format_value(v, decimals: int = 2) -> str:
    """A cell value as a reader reads it: whole numbers without decimals, others rounded, 是/否 for booleans."""
    import numbers

    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        f = float(v)
        if f != f:  # NaN
            return "—"
        return f"{f:.{decimals}f}"
    return str(v)


def value_table(data, *, head: Sequence[str] | None = None, index_label: str | None = None,
                caption: str | None = None, decimals: int = 2) -> HTML:
    """A Series, a dict or a DataFrame as a Chinese ``gv-table``: formatted values, no row numbers.

    Parameters
    ----------
    data : pandas.Series, dict or pandas.DataFrame
        A Series or dict becomes a two-column table (label, value); a
        DataFrame keeps its columns, with its index as the first column unless
        the index is a plain row number (a ``RangeIndex``).
    head : sequence of str, optional
        Column headers; default: *index_label* (or 项目) and the Series' name
        (or 数值), or the DataFrame's columns.
    index_label : str, optional
        Header of the index column.
    caption : str, optional
    decimals : int
        Decimals of non-whole numbers.

    Returns
    -------
    HTML
        The table, with a plain-text fallback of ``label：value`` lines.
    """
    import pandas as pd

    if isinstance(data, dict):
        data = pd.Series(data)
    if isinstance(data, pd.Series):
        cols = list(head) if head else [index_label or "项目", str(data.name) if data.name is not None else "数值"]
        rows = [(str(k), format_value(v, decimals)) for k, v in data.items()]
    else:
        with_index = not isinstance(data.index, pd.RangeIndex)
        cols = ([index_label or (data.index.name or "项目")] if with_index else []) + [str(c) for c in data.columns]
        if head:
            cols = list(head)
        rows = []
        for k, rec in zip(data.index, data.itertuples(index=False)):
            cells = [format_value(v, decimals) for v in rec]
            rows.append(tuple(([str(k)] if with_index else []) + cells))
    plain = "\n".join("；".join(f"{c}：{v}" for c, v in zip(cols, r)) for r in rows)
    if caption:
        plain = caption + "\n" + plain
    return html_table(cols, [[_esc(c) for c in r] for r in rows], caption=caption, plain=plain)


def _frame_html(df) -> str:
    """A DataFrame as the page shows it: pandas' HTML, without the row numbers of a plain ``RangeIndex``."""
    import pandas as pd

    return df.to_html(index=not isinstance(df.index, pd.RangeIndex), border=1,
                      max_rows=pd.get_option("display.max_rows"), max_cols=pd.get_option("display.max_columns"),
                      show_dimensions=False)


def use_page_formats(shell=None) -> bool:
    """Make a running IPython kernel show tables as a page reader reads them.

    A DataFrame is shown without the row numbers of a plain ``RangeIndex``
    (an index of labels stays), and a Series as a two-column
    :func:`value_table` instead of its text repr (``Name: …, dtype: …``).
    Uses IPython's public formatter API (``DisplayFormatter.formatters[...]
    .for_type``).  Called when this module is imported in a kernel, so every
    lesson gets it.

    Returns
    -------
    bool
        False outside IPython (nothing to do).
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython comes with the kernel
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    import pandas as pd

    html_fmt = shell.display_formatter.formatters["text/html"]
    html_fmt.for_type(pd.DataFrame, _frame_html)
    html_fmt.for_type(pd.Series, lambda s: value_table(s).html)
    shell.display_formatter.formatters["text/plain"].for_type(pd.Series, lambda s, p, cycle: p.text(repr(value_table(s))))
    return True


use_page_formats()
