"""Charts with Chinese text: the bundled CJK font and deterministic figure output.

The font is Noto Sans CJK (SIL Open Font License 1.1), shipped by the PyPI
package ``noto-cjk-sans-otc`` as an OpenType collection.  Matplotlib (3.10+)
registers every face of the collection; we put the Simplified Chinese face
first.  Nothing is written to the user's home or to site-packages.

``sns.set_theme()`` resets the font list to Arial/DejaVu; :func:`use_cjk_font`
wraps seaborn's theme functions so the CJK face is put back after them -- at once when
seaborn is already imported, otherwise when a cell first imports it.  Importing seaborn
costs a kernel about a CPU-second (it loads ``scipy.stats``), so :func:`apply_theme` sets
the lessons' look (seaborn's ``whitegrid`` style, ``notebook`` context, ``deep`` palette)
from a frozen copy of seaborn's values, and ``tests/test_canaries.py`` compares the copy
with seaborn itself.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import sys
from pathlib import Path

CJK_FAMILY = "Noto Sans CJK SC"
FALLBACK = ["DejaVu Sans"]
_WRAPPED = "_govlib_cjk"
_THEME_FUNCS = ("set_theme", "set_style", "set", "reset_defaults", "reset_orig")

#: seaborn 0.13's ``set_theme(style="whitegrid", context="notebook")`` (palette ``deep``),
#: with its font list (the CJK face is put first), without its default colormap ``rocket``
#: (a seaborn colormap; every govlib chart names its own).  Checked against seaborn by
#: ``tests/test_canaries.py::test_frozen_theme_matches_seaborn``.
THEME_RC = {
    "axes.axisbelow": True, "axes.edgecolor": ".8", "axes.grid": True, "axes.labelcolor": ".15",
    "axes.labelsize": 12.0, "axes.linewidth": 1.25, "axes.titlesize": 12.0, "axes.facecolor": "white",
    "figure.facecolor": "white", "font.size": 12.0, "grid.color": ".8", "grid.linestyle": "-",
    "grid.linewidth": 1.0, "legend.fontsize": 11.0, "legend.title_fontsize": 12.0,
    "lines.linewidth": 1.5, "lines.markersize": 6.0, "lines.solid_capstyle": "round",
    "patch.edgecolor": "w", "patch.force_edgecolor": True, "patch.linewidth": 1.0, "text.color": ".15",
    "xtick.bottom": False, "xtick.top": False, "xtick.color": ".15", "xtick.direction": "out",
    "xtick.labelsize": 11.0, "xtick.major.size": 6.0, "xtick.major.width": 1.25, "xtick.minor.size": 4.0,
    "xtick.minor.width": 1.0,
    "ytick.left": False, "ytick.right": False, "ytick.color": ".15", "ytick.direction": "out",
    "ytick.labelsize": 11.0, "ytick.major.size": 6.0, "ytick.major.width": 1.25, "ytick.minor.size": 4.0,
    "ytick.minor.width": 1.0,
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "axes.spines.left": True, "axes.spines.bottom": True, "axes.spines.right": True, "axes.spines.top": True,
}
#: seaborn's ``deep`` palette (``seaborn.palettes.SEABORN_PALETTES["deep"]``)
DEEP = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3",
        "#937860", "#DA8BC3", "#8C8C8C", "#CCB974", "#64B5CD"]


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
    if "seaborn.rcmod" in sys.modules:
        for name in ("seaborn", "seaborn.rcmod"):
            if name in sys.modules:
                _wrap_theme_functions(sys.modules[name])
    elif not any(isinstance(f, _SeabornHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _SeabornHook())


def _wrap_theme_functions(mod) -> None:
    for name in _THEME_FUNCS:
        if hasattr(mod, name):
            setattr(mod, name, _after(getattr(mod, name)))


class _SeabornHook(importlib.abc.MetaPathFinder):
    """Wraps seaborn's theme functions the moment ``seaborn.rcmod`` is first imported.

    ``seaborn/__init__`` copies the functions from ``rcmod`` after that module has run,
    so wrapping them there covers ``sns.set_theme`` too.  Uses only the public
    ``importlib`` finder/loader protocol.
    """

    def find_spec(self, fullname, path, target=None):
        if fullname != "seaborn.rcmod":
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            _wrap_theme_functions(module)

        spec.loader.exec_module = exec_module
        return spec


def apply_theme() -> None:
    """The lessons' chart style without importing seaborn (see :data:`THEME_RC`), CJK font kept."""
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update(THEME_RC)
    mpl.rcParams["axes.prop_cycle"] = cycler(color=DEEP)
    use_cjk_font()


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
