"""One call at the top of every lesson notebook."""

from __future__ import annotations


def setup(*, theme: bool = True) -> None:
    """Prepare a lesson kernel: CJK font, seaborn theme, reproducible figures.

    - registers the bundled Noto Sans CJK font (:func:`govlib.plotting.use_cjk_font`);
    - applies seaborn's theme (the font survives it);
    - makes the inline backend emit PNGs without a software/date stamp, so two
      builds of a lesson give identical bytes;
    - sets pandas to print compactly.

    Parameters
    ----------
    theme : bool
        Apply ``seaborn.set_theme(style="whitegrid")``.
    """
    import pandas as pd

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    if theme:
        import seaborn as sns

        sns.set_theme(style="whitegrid", context="notebook")
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 120)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    ip = get_ipython()
    if ip is None:
        return
    ip.run_line_magic("matplotlib", "inline")
    ip.run_line_magic(
        "config",
        "InlineBackend.print_figure_kwargs = {'bbox_inches': 'tight', 'metadata': {'Software': None}}",
    )
    ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    ip.run_line_magic("config", "InlineBackend.rc = {'figure.dpi': 110}")
