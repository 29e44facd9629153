"""Every path the project uses, in one place.

Where the course files come from
--------------------------------
The register (``data/``), the syllabus (``course/course.yml``), the lessons
(``notebooks/*.md``) and ``constraints.txt`` live at the top of the
repository, where curators edit them.  govlib finds them in this order:

1. ``GOVLIB_ROOT``, if set: another checkout (tests build from temporary
   copies this way).
2. **A checkout**: the folder above the package, when it holds
   ``data/figures.csv`` and ``course/course.yml`` (an editable install,
   ``pip install -e .``, or running from the repository).
3. **An installed wheel**: the copy bundled inside the package,
   ``govlib/_bundle/``, located with :mod:`importlib.resources`.

How the bundle gets into the wheel: ``setup.py`` extends setuptools'
``build_py`` so that, when a wheel is built, the files named in
:data:`BUNDLED` are *copied* from the repository into
``<build>/govlib/_bundle/`` (same relative layout, so the syllabus'
``notebooks/...`` paths and the register's ``frameworks/`` folder still
resolve).  The copy is made at build time only -- the repository holds no
``_bundle`` folder and no symlinks, and an editable install reads the
checkout itself.  ``MANIFEST.in`` lists the same files so an sdist can build
the same wheel.

Every constant below is an absolute :class:`pathlib.Path`, so other modules
use them unchanged whichever of the three places the files came from.

Output of ``govlib build``: in a checkout, ``course/_build``; from an
installed wheel (the bundle is inside site-packages and must not be
written to) the default is ``course_build`` in the current folder, resolved
when govlib is imported; ``--out DIR`` chooses another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

#: what the wheel carries in ``govlib/_bundle/`` (paths relative to the repository root;
#: folders are copied whole, minus caches).  Read by ``setup.py`` and ``MANIFEST.in`` mirrors it.
BUNDLED = ("data", "course/course.yml", "notebooks", "constraints.txt")
BUNDLE_DIRNAME = "_bundle"

PACKAGE = Path(__file__).resolve().parent


def _is_course_root(folder: Path) -> bool:
    return (folder / "data" / "figures.csv").is_file() and (folder / "course" / "course.yml").is_file()


def _bundle_root() -> Path:
    """The bundled course files of an installed wheel, as a real folder."""
    from importlib.resources import files

    res = files("govlib") / BUNDLE_DIRNAME
    if isinstance(res, Path):
        return res.resolve()
    # a zipped install (zipimport): extract once, for the life of the process (Python >= 3.12)
    import atexit
    from contextlib import ExitStack
    from importlib.resources import as_file

    stack = ExitStack()
    atexit.register(stack.close)
    return Path(stack.enter_context(as_file(res))).resolve()


def _find_root() -> tuple[Path, str]:
    env = os.environ.get("GOVLIB_ROOT")
    if env:
        return Path(env).resolve(), "env"
    if _is_course_root(PACKAGE.parent):
        return PACKAGE.parent, "checkout"
    return _bundle_root(), "bundle"


ROOT, ROOT_KIND = _find_root()
#: True when the course files are the wheel's read-only copy (not a checkout)
INSTALLED = ROOT_KIND == "bundle"

DATA = ROOT / "data"
SOURCES_CSV = DATA / "sources.csv"
FIGURES_CSV = DATA / "figures.csv"
UNITS_CSV = DATA / "units.csv"
FRAMEWORKS = DATA / "frameworks"

NOTEBOOKS = ROOT / "notebooks"
COURSE = ROOT / "course"
SYLLABUS = COURSE / "course.yml"
BUILD = (Path.cwd() / "course_build") if INSTALLED else COURSE / "_build"

TEMPLATES = PACKAGE / "templates"
LOCK = ROOT / "constraints.txt"

__all__ = [
    "PACKAGE", "ROOT", "ROOT_KIND", "INSTALLED", "BUNDLED", "DATA", "SOURCES_CSV", "FIGURES_CSV",
    "UNITS_CSV", "FRAMEWORKS", "NOTEBOOKS", "COURSE", "SYLLABUS", "BUILD", "TEMPLATES", "LOCK",
]
