"""Charts with Chinese text: the bundled CJK font and deterministic figure output.

The font is Noto Sans CJK (SIL Open Font License 1.1), shipped by the PyPI
package ``noto-cjk-sans-otc`` as an OpenType collection.  Matplotlib (3.10+)
registers every face of the collection; we put the Simplified Chinese face
first.  Nothing is written to the user's home or to site-packages.

``sns.set_theme()`` resets the font list to Arial/DejaVu; :func:`use_cjk_font`
wraps seaborn's theme functions so the CJK face is put back after them.
"""

from __future__ import annotations

import functools
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
FALLBACK = ["DejaVu Sans"]
_WRAPPED = "_govlib_cjk"


def font_path() -> Path:
    """Path of the bundled Noto Sans CJK collection (``.ttc``)."""
    import noto_cjk_sans_otc

    return Path(str(noto_cjk_sans_otc.FONT_PATH))


def _apply_rc() -> None:
    import matplotlib as mpl

    sans = [CJK_FAMILY] + [f for f in mpl.rcParams["font.sans-serif"] if f != CJK_FAMILY]
    mpl.rcParams["font.sans-serif"] = sans
    mpl.rcParams["font.family"] = ["sans-serif"]
    mpl.rcParams["axes.unicode_minus"] = False
    # deterministic output: no creation date or software version in files
    mpl.rcParams["svg.hashsalt"] = "govlib"
    mpl.rcParams["svg.fonttype"] = "path"


def _after(fn):
    if getattr(fn, _WRAPPED, False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        _apply_rc()
        return out

    setattr(wrapper, _WRAPPED, True)
    return wrapper


@functools.cache
def _register_font() -> None:
    """Register the bundled collection and let it win over any system copy of the same family.

    A machine may have its own Noto Sans CJK (Debian ``fonts-noto-cjk``, another
    version); charts must not depend on that, or two machines render different
    bytes.  So every face of the bundled file is registered, and other files
    that claim the same family names are dropped from matplotlib's list.
    """
    from matplotlib import font_manager

    fm = font_manager.fontManager
    bundled = str(font_path())
    if not any(f.fname == bundled for f in fm.ttflist):
        fm.addfont(bundled)
    ours = {f.name for f in fm.ttflist if f.fname == bundled}
    fm.ttflist = [f for f in fm.ttflist if f.fname == bundled or f.name not in ours]
    # findfont memoises by family and matplotlib has no public way to say the list changed; without
    # the clear, a lookup made before this call would keep the system file (a test checks the result)
    cached = getattr(fm, "_findfont_cached", None)
    if cached is not None:
        cached.cache_clear()


def use_cjk_font() -> None:
    """Make Chinese text render in matplotlib and seaborn with the bundled font.

    Registers the font collection once, puts the Simplified Chinese face first
    in ``font.sans-serif`` and makes seaborn's ``set_theme``/``set_style``/``set``
    re-apply it afterwards.  Safe to call many times.
    """
    _register_font()
    _apply_rc()
    try:
        import seaborn as sns
        from seaborn import rcmod
    except ImportError:  # pragma: no cover - seaborn is a dependency
        return
    for mod in (sns, rcmod):
        for name in ("set_theme", "set_style", "set", "reset_defaults", "reset_orig"):
            if hasattr(mod, name):
                setattr(mod, name, _after(getattr(mod, name)))


def savefig(fig, path: str | Path, **kwargs) -> Path:
    """Save a figure without the metadata that varies between runs.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : path-like
        ``.png`` or ``.svg``.
    """
    path = Path(path)
    meta = {"Software": None} if path.suffix.lower() == ".png" else {"Date": None, "Creator": None}
    kwargs.setdefault("dpi", 150)
    kwargs.setdefault("bbox_inches", "tight")
    fig.savefig(path, metadata=meta, **kwargs)
    return path


def bar_figures(ids, *, labels=None, ax=None, title: str | None = None, register=None,
                xlabel: str | None = None):
    """Horizontal bars of register figures, each labelled with its published wording.

    Only figures with a single value can be drawn; ranks and ranges raise,
    so an ordinal figure is never drawn as a quantity.

    Parameters
    ----------
    ids : sequence of str
        Figure ids to draw, top to bottom.
    labels : sequence of str, optional
        Bar labels (default: each figure's ``label_zh``).
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    from govlib.data import load_register

    use_cjk_font()
    reg = register or load_register()
    figs = [reg.figure(i) for i in ids]
    for f in figs:
        if f.qualifier in ("rank", "range", "date"):
            raise ValueError(f"{f.id} is a {f.qualifier}, not a quantity; show it as a table, not a bar")
    labels = list(labels) if labels is not None else [f.label_zh for f in figs]
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(figs)))
    vals = [f.number() for f in figs]
    ypos = list(range(len(figs)))[::-1]
    ax.barh(ypos, vals, color="#b22222")
    ax.set_yticks(ypos, labels)
    for y, v, f in zip(ypos, vals, figs):
        ax.text(v, y, " " + f.text, va="center", fontsize=9)
    ax.set_xlim(0, max(vals) * 1.25 if vals else 1)
    if xlabel:
        ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    return ax
