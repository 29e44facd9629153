"""Charts in Traditional Chinese, rendered in the same kernel run as the Simplified ones.

How
    The build starts each lesson kernel with this module as an IPython
    extension (``--ext govlib.publish.charts``).  It wraps the PNG printer the
    inline backend uses: after drawing a figure as usual, it converts every
    text of the figure to Traditional Chinese (:func:`govlib.publish.hant.convert_text`),
    switches the CJK face to Noto Sans CJK TC, draws the figure again, puts
    the text back, and returns the second PNG in the output's metadata
    (``image/png`` -> ``govlib_zh_hant``).  The build takes that PNG out of
    the notebook (:func:`take_hant_images`) and puts it in place of the
    Simplified one in the Traditional pages (:func:`swap_images`).

Why not SVG text or a second execution
    Charts are PNG with text drawn as glyphs (``svg.fonttype = path`` for SVG
    too), so there is no text to convert afterwards; executing every lesson a
    second time for the Traditional copy would double the build.  The second
    draw costs what the first does: 0.24 s for a typical bar chart on a busy
    2-core machine (both measured the same way), so a lesson with 7 charts
    pays about 1.7 s; ``benchmarks/build_speed.py`` (e) measures it with the
    other classroom outputs.

Outside a build (a student's kernel) nothing loads this extension.
"""

from __future__ import annotations

__all__ = ["load_ipython_extension", "take_hant_images", "swap_images", "KEY"]

KEY = "govlib_zh_hant"
_SC, _TC = "Noto Sans CJK SC", "Noto Sans CJK TC"


def _hant_formatter(inner, convert):
    """A tick formatter that converts what *inner* writes (tick labels are made again at each draw)."""
    from matplotlib.ticker import Formatter

    class HantFormatter(Formatter):
        def __call__(self, x, pos=None):
            return convert(inner(x, pos))

        def format_ticks(self, values):
            return [convert(s) for s in inner.format_ticks(values)]

        def set_locs(self, locs):
            inner.set_locs(locs)

        def get_offset(self):
            return convert(inner.get_offset())

        def set_axis(self, axis):
            super().set_axis(axis)
            inner.set_axis(axis)

    return HantFormatter()


def _hant_figure_png(fig, printer, **kwargs) -> str | None:
    from matplotlib.text import Text

    from govlib.publish.hant import convert_text

    saved = []
    axes_saved = []
    try:
        for ax in fig.axes:
            for axis in (getattr(ax, "xaxis", None), getattr(ax, "yaxis", None)):
                if axis is None:
                    continue
                major, minor = axis.get_major_formatter(), axis.get_minor_formatter()
                axes_saved.append((axis, major, minor))
                axis.set_major_formatter(_hant_formatter(major, convert_text))
                axis.set_minor_formatter(_hant_formatter(minor, convert_text))
        for t in fig.findobj(Text):
            s = t.get_text()
            if not s or s.isascii():
                continue
            fp = t.get_fontproperties()
            saved.append((t, s, fp))
            t.set_text(convert_text(s))
            fam = [_TC if f == _SC else f for f in fp.get_family()]
            if _TC not in fam:
                fam = [_TC] + fam
            nfp = fp.copy()
            nfp.set_family(fam)
            t.set_fontproperties(nfp)
        if not saved:
            return None
        return printer(fig, **kwargs)
    finally:
        for axis, major, minor in axes_saved:
            axis.set_major_formatter(major)
            axis.set_minor_formatter(minor)
        for t, s, fp in saved:
            t.set_text(s)
            t.set_fontproperties(fp)


def load_ipython_extension(ip) -> None:
    """Make every inline PNG carry a Traditional Chinese render in its metadata."""
    from IPython.core import pylabtools

    original = pylabtools.print_figure
    if getattr(original, "_govlib_hant", False):
        return

    def print_figure(fig, fmt="png", *args, **kwargs):
        data = original(fig, fmt, *args, **kwargs)
        if fmt != "png" or data is None:
            return data
        try:
            hant = _hant_figure_png(fig, lambda f, **kw: original(f, fmt, *args, **kw), **kwargs)
        except Exception:  # noqa: BLE001 - a Traditional render must never break the lesson
            hant = None
        if hant is None:
            return data
        if isinstance(hant, bytes):
            hant = hant.decode("ascii")
        return data, {KEY: hant}

    print_figure._govlib_hant = True  # type: ignore[attr-defined]
    pylabtools.print_figure = print_figure


def take_hant_images(nb) -> dict[str, str]:
    """Remove the Traditional renders from *nb*'s outputs; return Simplified base64 -> Traditional base64."""
    found: dict[str, str] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            md = out.get("metadata") or {}
            png_md = md.get("image/png")
            if isinstance(png_md, dict) and KEY in png_md:
                hant = png_md.pop(KEY)
                if not png_md:
                    md.pop("image/png")
                data = (out.get("data") or {}).get("image/png")
                if data:
                    key = ("".join(data) if isinstance(data, list) else data).replace("\n", "")
                    found[key] = hant.replace("\n", "")
    return found


def swap_images(page: str, images: dict[str, str]) -> str:
    """Replace each Simplified chart in *page* by its Traditional render."""
    for simp, hant in images.items():
        page = page.replace(simp, hant)
    return page
