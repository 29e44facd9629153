"""Drawing framework trees and ladders with matplotlib (Chinese labels, no graphviz).

:func:`draw_framework` draws a tree left to right: one column per depth, one
row per visible leaf, each node a rounded box coloured by its kind, elbow
connectors from parent to children and a legend of the kinds shown.
:func:`draw_ladder` draws ordered ``step`` children as a staircase.

Both lay out text in points from measured label widths, so the figure size
follows the tree and labels never overlap.  Both call
:func:`govlib.plotting.use_cjk_font` first, so the bundled Noto Sans CJK font
is used offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from govlib.frameworks.tree import KIND_ZH, as_framework, as_node
from govlib.schemas import Node

#: kind -> (face colour, edge colour, text colour)
KIND_STYLE: dict[str, tuple[str, str, str]] = {
    "root": ("#b22222", "#7f1010", "#ffffff"),
    "dimension": ("#f6d5d5", "#b22222", "#5a0f0f"),
    "group": ("#eeeeee", "#8a8a8a", "#333333"),
    "problem": ("#fde3c8", "#d9822b", "#5c3208"),
    "remedy": ("#d9efd3", "#3a8a3a", "#173d17"),
    "practice": ("#d7e6f5", "#3b6ea8", "#14304f"),
    "mechanism": ("#e7ddf3", "#6a4c93", "#2e1d45"),
    "component": ("#d5efec", "#2a8c82", "#0f3d38"),
    "rule": ("#efe3d0", "#8b5a2b", "#3d2710"),
    "step": ("#fff1b8", "#b8860b", "#4a3604"),
    "actor": ("#ffffff", "#1f3a93", "#1f3a93"),
    "constraint": ("#f3d8e5", "#a23b72", "#47142f"),
    "path": ("#e6f2cc", "#6b8e23", "#2b3a0c"),
}

_BREAK_AFTER = "：:，,、；;）)—"
_BREAK_BEFORE = "（(“《"


def wrap_label(text: str, width: int) -> str:
    """Break a Chinese label into balanced lines of at most *width* characters.

    A break falls after punctuation (``：，、；）``) or before an opening bracket
    or quote when one lies in the second half of the allowed width (the one
    nearest an even split is taken); otherwise lines are cut evenly, so no
    line is left with a single character.
    """
    if width < 2:
        raise ValueError(f"wrap width must be at least 2, got {width}")
    lines, rest = [], text
    while len(rest) > width:
        nlines = -(-len(rest) // width)
        target = -(-len(rest) // nlines)
        breaks = [i for i in range(width // 2 + 1, min(width, len(rest) - 1) + 1)
                  if rest[i - 1] in _BREAK_AFTER or rest[i] in _BREAK_BEFORE]
        cut = min(breaks, key=lambda i: (abs(i - target), -i)) if breaks else target
        lines.append(rest[:cut])
        rest = rest[cut:]
    lines.append(rest)
    return "\n".join(lines)


def _measure(lines: list[str], fontsize: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height (points) of multi-line text in the current sans-serif font."""
    from matplotlib.font_manager import FontProperties

    r = _renderer()
    prop = FontProperties(family="sans-serif", size=fontsize, weight=weight)
    width = 0.0
    for line in lines:
        w, _, _ = r.get_text_width_height_descent(line or " ", prop, ismath=False)
        width = max(width, w)
    return width, len(lines) * fontsize * 1.25


_RENDERER = None


def _renderer():
    global _RENDERER
    if _RENDERER is None:
        from matplotlib.backends.backend_agg import RendererAgg

        _RENDERER = RendererAgg(10, 10, 72)  # 72 dpi: pixels are points
    return _RENDERER


@dataclass
class _Box:
    node: Node
    depth: int
    text: str
    hidden: int = 0                      # descendants not drawn (max_depth)
    children: list["_Box"] = field(default_factory=list)
    w: float = 0.0
    h: float = 0.0
    x: float = 0.0
    y: float = 0.0


def _count(n: Node) -> int:
    return sum(1 + _count(c) for c in n.children)


def _build(n: Node, depth: int, max_depth: int | None, wrap: int) -> _Box:
    cut = max_depth is not None and depth >= max_depth and n.children
    label = n.label_zh + (f"（下含{_count(n)}项）" if cut else "")
    box = _Box(n, depth, wrap_label(label, wrap), hidden=_count(n) if cut else 0)
    if not cut:
        box.children = [_build(c, depth + 1, max_depth, wrap) for c in n.children]
    return box


def _walk(b: _Box):
    yield b
    for c in b.children:
        yield from _walk(c)


def _layout(root: _Box, fs: float) -> tuple[float, float, list[float], list[float]]:
    """Size and place every box (points); return (width, height, col_x, col_w)."""
    padx, pady = 0.6 * fs, 0.35 * fs
    vgap, hgap = 0.55 * fs, 2.6 * fs
    boxes = list(_walk(root))
    for b in boxes:
        w, h = _measure(b.text.split("\n"), fs)
        b.w, b.h = w + 2 * padx, h + 2 * pady
    ndepth = max(b.depth for b in boxes) + 1
    col_w = [max(b.w for b in boxes if b.depth == d) for d in range(ndepth)]
    col_x = [0.0] * ndepth
    for d in range(1, ndepth):
        col_x[d] = col_x[d - 1] + col_w[d - 1] + hgap
    cursor = [0.0]

    def place(b: _Box):
        b.x = col_x[b.depth]
        if not b.children:
            b.y = cursor[0] + b.h / 2
            cursor[0] += b.h + vgap
            return
        for c in b.children:
            place(c)
        b.y = (b.children[0].y + b.children[-1].y) / 2

    place(root)
    width = col_x[-1] + col_w[-1]
    height = cursor[0] - vgap
    # parents may be taller than the span of their children: extend if needed
    for b in boxes:
        height = max(height, b.y + b.h / 2)
    return width, height, col_x, col_w


def draw_framework(fw_or_node, *, ax=None, max_depth: int | None = None, title: str | None = None,
                   node: str | None = None, wrap: int = 14, fontsize: float = 9.0,
                   legend: bool = True):
    """Draw a framework tree as a left-to-right diagram with Chinese labels.

    Parameters
    ----------
    fw_or_node : Framework, Node, str or path-like
        A loaded framework, one of its nodes, or a framework name such as
        ``"pujiang"`` (loaded and validated from ``data/frameworks/``).
    ax : matplotlib Axes, optional
        Draw into these axes.  By default a new figure sized to the tree is made
        (about 0.3 inch per visible leaf).  When an axes is given, fonts shrink
        if the tree would not fit in it.
    max_depth : int, optional
        Deepest level drawn (the start node is depth 0).  A node whose children
        are cut off says how many nodes lie below it and has a dashed edge.
    title : str, optional
        Title above the diagram (default: none for a node, the framework's
        ``title_zh`` when a framework or name is given).
    node : str, optional
        Draw only the subtree under this node id.
    wrap : int
        Labels longer than this many characters wrap onto more lines.
    fontsize : float
        Label size in points.
    legend : bool
        Add a legend of the node kinds shown.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    KeyError
        When *node* is not in the tree.
    ValueError
        For a negative *max_depth*.

    Examples
    --------
    >>> fig = draw_framework("pujiang", max_depth=2)          # doctest: +SKIP
    >>> fig = draw_framework("quanzhou", node="disputes")      # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch, Patch

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    if max_depth is not None and max_depth < 0:
        raise ValueError(f"max_depth must be 0 or more, got {max_depth}")
    start = as_node(fw_or_node, node)
    if title is None and not isinstance(fw_or_node, Node) and node is None:
        title = as_framework(fw_or_node).title_zh

    def make(fs):
        root = _build(start, 0, max_depth, wrap)
        w, h, col_x, col_w = _layout(root, fs)
        kinds = [k for k in KIND_STYLE if any(b.node.kind == k for b in _walk(root))]
        top = 3.0 * fs if title else 0.6 * fs
        bottom = 0.6 * fs
        leg_rows = 0
        if legend:
            per = max(1, int(max(w, 30 * fs) // (7.5 * fs)))
            leg_rows = -(-len(kinds) // per)
            bottom += leg_rows * 1.6 * fs + 0.8 * fs
        margin = 0.6 * fs
        return root, w, h, col_x, col_w, kinds, top, bottom, margin, leg_rows

    fs = fontsize
    root, w, h, col_x, col_w, kinds, top, bottom, margin, leg_rows = make(fs)
    W, H = w + 2 * margin, h + top + bottom
    if ax is None:
        fig = plt.figure(figsize=(W / 72, H / 72))
        ax = fig.add_axes((0, 0, 1, 1))
    else:
        fig = ax.figure
        bb = ax.get_window_extent().transformed(fig.dpi_scale_trans.inverted())
        scale = min(1.0, bb.width * 72 / W, bb.height * 72 / H)
        if scale < 1.0:
            fs = fontsize * scale
            root, w, h, col_x, col_w, kinds, top, bottom, margin, leg_rows = make(fs)
            W, H = w + 2 * margin, h + top + bottom
    ax.set_xlim(-margin, w + margin)
    ax.set_ylim(h + bottom, -top)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")

    hgap = 2.6 * fs
    for b in _walk(root):
        face, edge, textc = KIND_STYLE[b.node.kind]
        ax.add_patch(FancyBboxPatch((b.x, b.y - b.h / 2), b.w, b.h,
                                    boxstyle=f"round,pad=0,rounding_size={0.35 * fs}",
                                    facecolor=face, edgecolor=edge,
                                    linewidth=1.4 if b.depth == 0 else 0.9,
                                    linestyle="--" if b.hidden else "-", zorder=2))
        ax.text(b.x + b.w / 2, b.y, b.text, ha="center", va="center", fontsize=fs,
                color=textc, weight="normal",
                linespacing=1.25, zorder=3)
        if b.children:
            mid = col_x[b.depth] + col_w[b.depth] + hgap / 2
            ys = [c.y for c in b.children]
            kw = dict(color="#777777", linewidth=0.8, zorder=1)
            ax.add_line(Line2D([b.x + b.w, mid], [b.y, b.y], **kw))
            ax.add_line(Line2D([mid, mid], [min(ys + [b.y]), max(ys + [b.y])], **kw))
            for c in b.children:
                ax.add_line(Line2D([mid, c.x], [c.y, c.y], **kw))
    if title:
        ax.text(-margin + 0.6 * fs, -top + 0.6 * fs, title, ha="left", va="top",
                fontsize=fs * 1.35, color="#222222")
    if legend and kinds:
        handles = [Patch(facecolor=KIND_STYLE[k][0], edgecolor=KIND_STYLE[k][1], label=KIND_ZH[k])
                   for k in kinds]
        ncol = -(-len(kinds) // leg_rows)
        ax.legend(handles=handles, loc="lower center", ncol=ncol, frameon=False,
                  fontsize=fs * 0.95, bbox_to_anchor=(0.5, 0.0), handlelength=1.4,
                  columnspacing=1.2, borderaxespad=0.3)
    return fig


def ladder_steps(steps_or_node, *, kinds=("step",)) -> list[tuple[str | None, list[str]]]:
    """The ladders to draw: a list of ``(heading, [step labels])``.

    Parameters
    ----------
    steps_or_node : Node, sequence of str or Node
        A node whose children include nodes of *kinds* gives one ladder; a node
        whose children each hold such nodes gives one ladder per child
        (headed by the child's label); a plain sequence gives one ladder.
    kinds : tuple of str
        Node kinds that count as rungs (``("step", "rule")`` to include rules).

    Raises
    ------
    ValueError
        When the node holds no rungs.
    """
    if isinstance(steps_or_node, Node):
        n = steps_or_node
        own = [c.label_zh for c in n.children if c.kind in kinds]
        if own:
            return [(None, own)]
        subs = [(c.label_zh, [g.label_zh for g in c.children if g.kind in kinds]) for c in n.children]
        subs = [s for s in subs if s[1]]
        if subs:
            return subs
        raise ValueError(f"node {n.id!r} has no children of kind {', '.join(kinds)} "
                         "(nor children holding such nodes)")
    labels = [s.label_zh if isinstance(s, Node) else str(s) for s in steps_or_node]
    if not labels:
        raise ValueError("a ladder needs at least one step")
    return [(None, labels)]


def draw_ladder(steps_or_node, *, ax=None, title: str | None = None, node: str | None = None,
                kinds=("step",), wrap: int = 9, fontsize: float = 10.0, headings: bool = True,
                numbering: str | None = "第{}级"):
    """Draw ordered steps as a staircase rising left to right, one ladder per row.

    Parameters
    ----------
    steps_or_node : Node, Framework, str, or sequence of str/Node
        A node (or a framework name/framework together with *node*) whose
        ``step`` children form the ladder; a node whose children each hold
        steps gives several ladders stacked (e.g. two career tracks); or a
        plain list of labels.
    ax : matplotlib Axes, optional
        Draw into these axes (default: a new figure sized to the ladders).
    title : str, optional
        Title above the drawing (default: the node's label).
    node : str, optional
        Id of the node inside a framework given by name or object.
    kinds : tuple of str
        Node kinds used as rungs.
    wrap : int
        Characters per line in a rung.
    fontsize : float
    headings : bool
        Write each ladder's heading at its left.
    numbering : str or None
        Format of the small number above each rung (``"第{}步"`` for the
        stages of a process); None for no numbers.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> draw_ladder("quanzhou", node="jinjiang-ladder")      # doctest: +SKIP
    >>> draw_ladder(["社区工作者", "社区书记"], title="晋升阶梯")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    if isinstance(steps_or_node, (list, tuple)):
        if node is not None:
            raise ValueError("node= is only for a framework or a node, not for a list of steps")
        src = steps_or_node
    else:
        src = as_node(steps_or_node, node)
        if title is None:
            title = src.label_zh
    ladders = ladder_steps(src, kinds=kinds)
    fs = fontsize
    padx, pady = 0.6 * fs, 0.45 * fs
    texts = [[wrap_label(s, wrap) for s in steps] for _, steps in ladders]
    sizes = [[_measure(t.split("\n"), fs) for t in row] for row in texts]
    bw = max(w for row in sizes for w, _ in row) + 2 * padx
    bh = max(h for row in sizes for _, h in row) + 2 * pady
    rise, run = 0.55 * bh, bw + 2.2 * fs
    head_w = 0.0
    if headings and any(hd for hd, _ in ladders):
        head_w = max(_measure(wrap_label(hd, 8).split("\n"), fs)[0] for hd, _ in ladders if hd) + 1.5 * fs
    nmax = max(len(s) for _, s in ladders)
    row_h = bh + rise * (nmax - 1) + 3.0 * fs
    top = 2.6 * fs if title else 0.8 * fs
    W = head_w + run * (nmax - 1) + bw + 1.6 * fs
    H = top + row_h * len(ladders)
    if ax is None:
        fig = plt.figure(figsize=(W / 72, H / 72))
        ax = fig.add_axes((0, 0, 1, 1))
    else:
        fig = ax.figure
    ax.set_xlim(-0.8 * fs, W - 0.8 * fs)
    ax.set_ylim(H - top, -top)
    ax.set_aspect("equal", adjustable="box")
    ax.axis("off")
    face, edge, textc = KIND_STYLE["step"]
    for r, ((head, steps), row) in enumerate(zip(ladders, texts)):
        base = r * row_h + rise * (len(steps) - 1) + bh / 2 + 1.6 * fs  # y of the first rung
        if headings and head:
            ax.text(0, base - rise * (len(steps) - 1) / 2, wrap_label(head, 8), ha="left", va="center",
                    fontsize=fs, color="#333333")
        prev = None
        for i, t in enumerate(row):
            x, y = head_w + i * run, base - i * rise
            ax.add_patch(FancyBboxPatch((x, y - bh / 2), bw, bh,
                                        boxstyle=f"round,pad=0,rounding_size={0.35 * fs}",
                                        facecolor=face, edgecolor=edge, linewidth=1.0, zorder=2))
            ax.text(x + bw / 2, y, t, ha="center", va="center", fontsize=fs, color=textc,
                    linespacing=1.25, zorder=3)
            if numbering:
                ax.text(x + 0.3 * fs, y - bh / 2 - 0.15 * fs, numbering.format(i + 1), ha="left",
                        va="bottom", fontsize=fs * 0.7, color=edge, zorder=3)
            if prev is not None:
                ax.add_patch(FancyArrowPatch((prev[0] + bw, prev[1]), (x, y), arrowstyle="-|>",
                                             mutation_scale=fs * 1.2, color="#777777",
                                             linewidth=1.0, zorder=1))
            prev = (x, y)
    if title:
        ax.text(-0.2 * fs, -top + 0.6 * fs, title, ha="left", va="top", fontsize=fs * 1.3,
                color="#222222")
    return fig
