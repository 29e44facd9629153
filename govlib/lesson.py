"""One call at the top of every lesson notebook."""

from __future__ import annotations

#: what :func:`setup` tells the inline backend's PNG printer (``IPython.core.pylabtools.print_figure``);
#: :mod:`govlib.figcache` prints its prepared charts with the same options, so the bytes agree
INLINE_PRINT_KWARGS = {"bbox_inches": "tight", "metadata": {"Software": None}}


def setup(*, theme: bool = True) -> None:
    """Prepare a lesson kernel: CJK font, seaborn theme, reproducible figures.

    - registers the bundled Noto Sans CJK font (:func:`govlib.plotting.use_cjk_font`);
    - applies the course's chart theme, seaborn's ``whitegrid`` look, without importing
      seaborn (:func:`govlib.plotting.apply_theme`; the font survives a later ``sns.set_theme``);
    - makes the inline backend emit PNGs without a software/date stamp, so two
      builds of a lesson give identical bytes;
    - sets pandas to print compactly.

    Parameters
    ----------
    theme : bool
        Apply the ``whitegrid`` theme.
    """
    import pandas as pd

    from govlib.plotting import apply_theme, use_cjk_font

    use_cjk_font()
    if theme:
        apply_theme()  # seaborn's whitegrid look without importing seaborn (and scipy.stats)
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
    ip.run_line_magic("config", f"InlineBackend.print_figure_kwargs = {INLINE_PRINT_KWARGS!r}")
    ip.run_line_magic("config", "InlineBackend.figure_formats = ['png']")
    ip.run_line_magic("config", "InlineBackend.rc = {'figure.dpi': 110}")


def set_description(lesson_id: str, values, *, syllabus=None):
    """A note naming the parameter set this page was built with and what it changes.

    The set is recognised from the notebook's own parameter values
    (:meth:`govlib.syllabus.Lesson.set_for`), and its Chinese description
    is read from ``descriptions_zh`` in ``course/course.yml``.

    Parameters
    ----------
    lesson_id : str
        The lesson's id in the syllabus (``"intro"``).
    values : mapping
        The notebook's parameter values; pass ``globals()``.
    syllabus : path or Syllabus, optional
        Default ``course/course.yml``.

    Returns
    -------
    govlib.display.HTML
        A note box: 本页参数版本 + description (default set: 默认版本).

    Raises
    ------
    KeyError
        When the syllabus has no lesson *lesson_id*.
    """
    from govlib.display import note
    from govlib.syllabus import Syllabus, load_syllabus, set_label_zh

    syl = syllabus if isinstance(syllabus, Syllabus) else load_syllabus(syllabus, check_notebooks=False)
    les = syl.lesson(lesson_id)
    name = les.set_for(values)
    text = les.description(name) or "（课程大纲未给出说明）"
    which = set_label_zh(name)
    others = len(les.params) - 1
    tail = f"本课另有 {others} 个参数版本，说明见课程首页。" if others else ""
    return note(f"本页参数：{which}。{text}{tail}")
