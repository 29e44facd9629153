"""Pre-drawn charts for students who keep a lesson's parameters (issue 21).

``survey.plot_intervals`` (quanzhou-survey) draws 16 axes, about 1.7 CPU-s, the same for every student
of a parameter set; decorated with :func:`cached`, it shows its call's prepared PNG if any, else draws.

Key: sha256 of the function's qualified name, its bound arguments (defaults applied; only None,
numbers, strings, lists, tuples, arrays and str-keyed dicts, else never looked up: ``register=``),
``govlib.__version__`` and a digest of the package's files, a digest of the register files
(``paths.FIGURES_CSV``, ``SOURCES_CSV``, ``UNITS_CSV``), matplotlib's version and rcParams; the
file is ``<hex>.png``.

Lookup: only in an IPython kernel, only when ``GOVLIB_FIGURE_CACHE`` names folders
(``os.pathsep``-separated), never in a build (build kernels have ``GOVLIB_BUILD``; the build's
workers drop the variable).  A file counts when it and its folder are owned by root or the user,
writable by no one else (else one student could plant a picture in another's lesson), and it is
a whole PNG.  A hit is shown with ``IPython.display.display(Image(...))`` and the call returns
None: no figure exists, so the inline backend adds nothing.  Drawn charts have no alt text; their
caption is drawn into the image (``add_caption``), so the PNG has it.  A kernel never writes here.

Hub: :func:`prepare` draws the calls of each lesson in :data:`LESSONS` for its parameter sets and
writes them (atomic, mode 0644) as the inline backend prints them (``print_figure`` with
:data:`govlib.lesson.INLINE_PRINT_KWARGS`, after :func:`govlib.setup`).  Root runs it after each
install of govlib, the register or the environment (old files are then never hit), into the shared
read-only course folder, and sets the variable for students' kernels (``c.Spawner.environment``)::

    python -c "import govlib.figcache as f; f.prepare('/srv/govlib/course/figcache')"
    GOVLIB_FIGURE_CACHE=/srv/govlib/course/figcache
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import os
from pathlib import Path

from govlib import paths
from govlib.publish.cache import tree_hash

__all__ = ["ENV", "LESSONS", "cached", "key", "lookup", "prepare"]

ENV = "GOVLIB_FIGURE_CACHE"  #: the variable naming the prepared folders (``os.pathsep``-separated)
#: lesson id -> ``module:function`` that lists the lesson's cached calls for a dict of parameter values
LESSONS = {"quanzhou-survey": "govlib.survey.charts:lesson_charts"}
FORMAT = "govlib-figcache-1"  #: bump to invalidate every prepared file
_RC_IGNORED = {"backend", "backend_fallback", "interactive"}  # no pixel depends on them


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
    return tree_hash([paths.PACKAGE])


def key(fn, args=(), kwargs=None) -> str | None:
    """The cache file name of ``fn(*args, **kwargs)``: ``<sha256>.png``, or None when it cannot be keyed."""
    import matplotlib as mpl

    import govlib

    rc = sorted((k, repr(v)) for k, v in mpl.rcParams.items() if k not in _RC_IGNORED)
    try:
        bound = inspect.signature(fn).bind(*args, **(kwargs or {}))
        bound.apply_defaults()
        record = {"format": FORMAT, "function": f"{fn.__module__}.{fn.__qualname__}",
                  "args": {k: _canonical(v) for k, v in bound.arguments.items()},
                  "govlib": govlib.__version__, "code": _code_digest(),
                  "register": tree_hash([paths.FIGURES_CSV, paths.SOURCES_CSV, paths.UNITS_CSV]),
                  "matplotlib": mpl.__version__, "rc": repr(rc)}
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

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()  # every chunk's CRC
            return im.format == "PNG" and data.endswith(b"IEND\xaeB`\x82")
    except Exception:  # noqa: BLE001 - whatever Pillow dislikes is not shown
        return False


def lookup(name: str) -> bytes | None:
    """The bytes of a trusted, whole ``name`` in the folders of ``GOVLIB_FIGURE_CACHE``, else None."""
    for folder in filter(None, os.environ.get(ENV, "").split(os.pathsep)):
        path = Path(folder) / name
        try:
            data = path.read_bytes() if _trusted(path.parent) and _trusted(path) else b""
        except OSError:
            continue
        if _whole_png(data):
            return data
    return None


def _in_student_kernel() -> bool:
    from IPython import get_ipython

    return bool(os.environ.get(ENV)) and not os.environ.get("GOVLIB_BUILD") and get_ipython() is not None


def cached(fn):
    """Decorate a chart function: in a student's kernel, show its prepared PNG (and return None) if any."""

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
    """Draw the cached calls of *lessons* (default :data:`LESSONS`) for *sets* (default: all) into *folder*.

    *folder* is made (0755) if missing and must not be group- or other-writable (ValueError).  Returns
    the files written, one per distinct key; an unknown set is a KeyError, a rejected one ParameterError.
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
        nb_params = read_parameters(syl.notebook_path(les))
        for set_name in les.set_names() if sets is None else sets:
            if set_name not in les.params:
                raise KeyError(f"lesson {lid!r} has no parameter set {set_name!r} (sets: {les.set_names()})")
            over, problems = validate_parameter_set(nb_params, les.params[set_name], lesson=lid, set_name=set_name)
            if problems:
                raise ParameterError("; ".join(problems))
            for chart, args, kwargs in getattr(importlib.import_module(mod), attr)(nb_params.defaults() | over):
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
