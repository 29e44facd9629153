"""Pre-drawn charts for students who keep a lesson's parameters (issue 21).

Some charts cost every student the same: ``survey.plot_intervals`` in the
quanzhou-survey lesson draws 16 axes (about 1.7 CPU-s) and, with a parameter set's
values, gives the same picture in every kernel.  A chart function decorated with
:func:`cached` first looks for that picture among prepared PNGs and shows it
instead of drawing; on a miss it draws, as before.

The key
    sha256 of a JSON record: the function's qualified name; its bound arguments
    (defaults applied; only ``None``, numbers, strings, lists, tuples, numpy
    arrays and dicts with string keys -- anything else, e.g. ``register=``, is
    never looked up); ``govlib.__version__`` and a digest of the package's files
    (a change without a version bump still misses); a digest of the register
    files (:data:`govlib.paths.FIGURES_CSV`, ``SOURCES_CSV``, ``UNITS_CSV``);
    matplotlib's version and its rcParams (a student who changed the style draws).
    The file is ``<hex digest>.png``.

Lookup, in a student's kernel
    Only in an IPython kernel, only when ``GOVLIB_FIGURE_CACHE`` names folders
    (``os.pathsep``-separated), never in a course build (every build kernel has
    ``GOVLIB_BUILD``, and the build's workers drop ``GOVLIB_FIGURE_CACHE``).
    A file counts only when it and its folder are owned by root or by the user
    and writable by no one else (a folder several students could write would let
    one plant a picture in another's lesson), and it is a whole PNG.  A hit is
    shown with ``IPython.display.display(Image(...))`` and the function returns
    ``None``: no figure exists, so the inline backend adds nothing.  Drawn charts
    carry no alt text; their caption is drawn into the image
    (:func:`govlib.survey.charts.add_caption`), so the PNG carries it too.
    Nothing here writes from a kernel: no miss fills the cache.

Preparing, on the hub
    :func:`prepare` draws the charts of each lesson in :data:`LESSONS` for its
    parameter sets (``course/course.yml``) and writes them, atomically and mode
    0644, as the inline backend would print them (``print_figure`` with
    :data:`govlib.lesson.INLINE_PRINT_KWARGS`, after :func:`govlib.setup`).
    Root runs it once per deployment, after installing govlib, into a folder in
    the shared read-only course folder, and sets the variable in the students'
    kernel environment (e.g. ``c.Spawner.environment``)::

        python -c "import govlib.figcache as f; f.prepare('/srv/govlib/course/figcache')"
        GOVLIB_FIGURE_CACHE=/srv/govlib/course/figcache

    Run it again after any change of govlib, the register or the environment:
    old files are never hit again (their keys are gone); delete them at leisure.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
from pathlib import Path

__all__ = ["ENV", "LESSONS", "cached", "key", "lookup", "prepare"]

#: the variable naming the prepared folders (``os.pathsep``-separated)
ENV = "GOVLIB_FIGURE_CACHE"
#: lesson id -> ``module:function`` that lists the lesson's cached calls for a dict of parameter values
LESSONS = {"quanzhou-survey": "govlib.survey.charts:lesson_charts"}
#: bump to invalidate every prepared file
FORMAT = "govlib-figcache-1"
_RC_IGNORED = {"backend", "backend_fallback", "interactive"}  # no pixel depends on them
_PNG_HEAD, _PNG_TAIL = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"


def _canonical(v):
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return [_canonical(x) for x in v]
    if isinstance(v, dict) and all(isinstance(k, str) for k in v):
        return {k: _canonical(x) for k, x in v.items()}
    raise TypeError(f"no canonical form for {type(v).__name__}")


@functools.cache
def _code_digest() -> str:
    from govlib import paths
    from govlib.publish.cache import tree_hash

    return tree_hash([paths.PACKAGE])


def _register_digest() -> str:
    from govlib import paths
    from govlib.publish.cache import tree_hash

    return tree_hash([paths.FIGURES_CSV, paths.SOURCES_CSV, paths.UNITS_CSV])


def _rc_digest() -> str:
    import matplotlib as mpl

    items = sorted((k, repr(v)) for k, v in mpl.rcParams.items() if k not in _RC_IGNORED)
    return hashlib.sha256(repr(items).encode()).hexdigest()


def key(fn, args=(), kwargs=None) -> str | None:
    """The cache file name of ``fn(*args, **kwargs)``: ``<sha256>.png``, or None when it cannot be keyed."""
    import matplotlib

    import govlib

    try:
        bound = inspect.signature(fn).bind(*args, **(kwargs or {}))
        bound.apply_defaults()
        record = {"format": FORMAT, "function": f"{fn.__module__}.{fn.__qualname__}",
                  "args": {k: _canonical(v) for k, v in bound.arguments.items()},
                  "govlib": govlib.__version__, "code": _code_digest(), "register": _register_digest(),
                  "matplotlib": matplotlib.__version__, "rc": _rc_digest()}
        text = json.dumps(record, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest() + ".png"


def _trusted(path: Path) -> bool:
    st = path.stat()
    return st.st_uid in (0, os.getuid()) and not st.st_mode & 0o022


def _whole_png(data: bytes) -> bool:
    import io

    from PIL import Image

    if not (data.startswith(_PNG_HEAD) and data.endswith(_PNG_TAIL)):
        return False
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()  # every chunk's CRC
    except Exception:  # noqa: BLE001 - whatever Pillow dislikes is not shown
        return False
    return True


def lookup(name: str) -> bytes | None:
    """The bytes of a trusted, whole ``name`` in the folders of ``GOVLIB_FIGURE_CACHE``, else None."""
    for folder in os.environ.get(ENV, "").split(os.pathsep):
        if not folder:
            continue
        path = Path(folder) / name
        try:
            if not (_trusted(path.parent) and _trusted(path)):
                continue
            data = path.read_bytes()
        except OSError:
            continue
        if _whole_png(data):
            return data
    return None


def _in_student_kernel() -> bool:
    if not os.environ.get(ENV) or os.environ.get("GOVLIB_BUILD"):
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return False
    return get_ipython() is not None


def cached(fn):
    """Decorate a chart function: in a student's kernel, show its prepared PNG when there is one.

    Returns ``None`` after showing a prepared PNG, else what *fn* returns.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        png = None
        if _in_student_kernel():
            try:
                name = key(fn, args, kwargs)
                png = lookup(name) if name else None
            except Exception:  # noqa: BLE001 - a cache must never break the lesson: draw
                png = None
        if png is None:
            return fn(*args, **kwargs)
        from IPython.display import Image, display

        display(Image(data=png, format="png"))
        return None

    return wrapper


def prepare(folder: str | Path, sets=None, *, lessons=None, syllabus=None) -> list[Path]:
    """Draw the cached charts of the lessons' parameter sets and write them into *folder*.

    Parameters
    ----------
    folder : str or Path
        Created (mode 0755) when missing; must not be writable by group or others.
    sets : iterable of str, optional
        Parameter-set names (default: every set of each lesson).
    lessons : iterable of str, optional
        Lesson ids (default: every lesson in :data:`LESSONS`).
    syllabus : str or Path, optional
        Default ``course/course.yml``.

    Returns
    -------
    list of Path
        The files written, one per distinct key (sets that give the same call share a file).

    Raises
    ------
    KeyError
        For a set the lesson does not have.
    ParameterError
        For a set the notebook's parameters cell does not accept.
    ValueError
        When *folder* is writable by group or others (kernels would ignore it).
    """
    import importlib

    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    from govlib.atomic import atomic_write
    from govlib.errors import ParameterError
    from govlib.lesson import INLINE_PRINT_KWARGS, setup
    from govlib.publish.params import read_parameters, validate_parameter_set
    from govlib.syllabus import load_syllabus

    folder = Path(folder)
    if not folder.exists():
        folder.mkdir(parents=True)
        folder.chmod(0o755)
    if folder.stat().st_mode & 0o022:
        raise ValueError(f"{folder} is writable by group or others; kernels would not trust its files")
    setup()  # a lesson kernel's font and theme: the key's rcParams are theirs
    syl = load_syllabus(syllabus, check_notebooks=False)
    written: dict[str, Path] = {}
    for lid in lessons or LESSONS:
        les = syl.lesson(lid)
        mod, _, attr = LESSONS[lid].partition(":")
        calls_for = getattr(importlib.import_module(mod), attr)
        nb_params = read_parameters(syl.notebook_path(les))
        for set_name in les.set_names() if sets is None else sets:
            if set_name not in les.params:
                raise KeyError(f"lesson {lid!r} has no parameter set {set_name!r} (sets: {les.set_names()})")
            over, problems = validate_parameter_set(nb_params, les.params[set_name], lesson=lid, set_name=set_name)
            if problems:
                raise ParameterError("; ".join(problems))
            values = {name: spec.default for name, spec in nb_params.specs.items()} | over
            for chart, args, kwargs in calls_for(values):
                draw = inspect.unwrap(chart)
                name = key(draw, args, kwargs)
                if name is None or name in written:
                    continue
                fig = draw(*args, **kwargs)
                try:
                    png = print_figure(fig, "png", **INLINE_PRINT_KWARGS)
                finally:
                    plt.close(fig)
                written[name] = atomic_write(folder / name, png, mode=0o644)
    return list(written.values())
