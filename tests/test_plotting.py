"""Chinese text renders with the bundled font: no missing glyphs, also after sns.set_theme()."""

from __future__ import annotations

import warnings

import pytest


def _draw_labels(labels, path):
    import matplotlib.pyplot as plt

    from govlib.plotting import savefig

    fig, ax = plt.subplots(figsize=(8, max(3, 0.22 * len(labels))))
    for i, text in enumerate(labels):
        ax.text(0.01, 1 - (i + 1) / (len(labels) + 1), text, fontsize=7, transform=ax.transAxes)
    ax.set_title("登记表全部标签")
    ax.axis("off")
    savefig(fig, path)


def _glyph_warnings(record):
    return [str(w.message) for w in record if "Glyph" in str(w.message) or "missing from font" in str(w.message)]


def test_every_register_label_renders_without_missing_glyphs(register, tmp_path):
    import seaborn as sns

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    sns.set_theme()  # must not undo the CJK font
    labels = sorted(set(register.figures["label_zh"]) | set(register.figures["wording"])
                    | set(register.figures["group"].dropna()))
    assert len(labels) > 50
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        _draw_labels(labels, tmp_path / "labels.png")
    assert _glyph_warnings(rec) == []
    assert (tmp_path / "labels.png").stat().st_size > 10_000


def test_without_the_font_glyphs_are_missing(tmp_path):
    """The glyph check can fail: a plain Latin font reports missing Chinese glyphs."""
    import matplotlib as mpl

    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            _draw_labels(["党建引领社区治理"], tmp_path / "tofu.png")
    assert _glyph_warnings(rec)


def test_simplified_face_comes_first_and_survives_seaborn():
    import matplotlib as mpl
    import seaborn as sns
    from matplotlib import font_manager

    from govlib.plotting import CJK_FAMILY, font_path, use_cjk_font

    use_cjk_font()
    sns.set_theme(style="darkgrid")
    sns.set_style("ticks")
    assert mpl.rcParams["font.sans-serif"][0] == CJK_FAMILY
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]), fallback_to_default=False)
    assert found == str(font_path())
    assert font_path().stat().st_size > 10_000_000


def test_bar_figures_refuses_ranks_and_ranges(register):
    from govlib.plotting import bar_figures

    ranked = register.figures.query("qualifier == 'rank'")["id"].tolist()
    ranged = register.figures.query("qualifier == 'range'")["id"].tolist()
    assert ranked and ranged
    for fid in (ranked[0], ranged[0]):
        with pytest.raises(ValueError, match="not a quantity"):
            bar_figures([fid])


def test_savefig_png_is_byte_identical(tmp_path):
    import matplotlib.pyplot as plt

    from govlib.plotting import savefig, use_cjk_font

    use_cjk_font()
    outs = []
    for i in range(2):
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title("可重复的图")
        outs.append(savefig(fig, tmp_path / f"f{i}.png").read_bytes())
        plt.close(fig)
    assert outs[0] == outs[1]
    assert b"Software" not in outs[0]
