"""The course build: parameterized lesson notebooks -> an offline course site.

``govlib build`` (see :mod:`govlib.publish.cli`) and :func:`run_build` execute
each lesson x parameter set of ``course/course.yml`` once with papermill, and
render instructor and student editions (HTML, Simplified and Traditional
Chinese), a student notebook, ``index.html`` and ``manifest.json``.

Modules: :mod:`~govlib.syllabus` (the syllabus file),
:mod:`~govlib.publish.params` (notebook conventions, parameters cell),
:mod:`~govlib.publish.cache` (input hashes, manifest, atomic writes),
:mod:`~govlib.publish.execute` (one job in a worker),
:mod:`~govlib.publish.editions` (normalise, split, render, convert),
:mod:`~govlib.publish.outputs` (the registry of every output and its renderer),
:mod:`~govlib.publish.slides`, :mod:`~govlib.publish.pptx_deck`,
:mod:`~govlib.publish.answers`, :mod:`~govlib.publish.browser` (PDF printing),
:mod:`~govlib.publish.maths`, :mod:`~govlib.publish.hant`, :mod:`~govlib.publish.charts`,
:mod:`~govlib.publish.site` (the index), :mod:`~govlib.publish.plan`,
:mod:`~govlib.publish.pool`, :mod:`~govlib.publish.progress`, :mod:`~govlib.publish.runner`
(orchestration), :mod:`~govlib.publish.student` (``student_notebook_for``),
:mod:`~govlib.publish.cli` (the command).

Importing this package is light; the heavy modules load when a build runs.
"""

from __future__ import annotations

__all__ = ["run_build", "BuildReport", "load_syllabus", "lessons_frame", "student_notebook_for"]

_LAZY = {
    "run_build": ("govlib.publish.runner", "run_build"),
    "BuildReport": ("govlib.publish.runner", "BuildReport"),
    "load_syllabus": ("govlib.syllabus", "load_syllabus"),
    "lessons_frame": ("govlib.syllabus", "lessons_frame"),
    "student_notebook_for": ("govlib.publish.student", "student_notebook_for"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'govlib.publish' has no attribute {name!r}")
