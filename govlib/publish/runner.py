"""``run_build``: validate, plan, execute in parallel, write the manifest and the index.

Output layout (under ``--out``, default ``course/_build``)::

    .gitignore                       "*" -- the folder ignores itself
    .govlib-build                    marks the folder as a govlib build (see govlib.publish.plan)
    index.html, index.zh-Hant.html   the syllabus, links to every output with what it is for, figures
    manifest.json                    one entry per artifact (see below)
    lessons/<lesson>/<params>/...    every output registered in govlib.publish.outputs
                                     (instructor/student pages and their zh-Hant copies, student.ipynb,
                                     answers.html, slides.html, slides.pptx, student.pdf, instructor.pdf)
    _failed/<lesson>/<params>.ipynb  the executed notebook of a failed run

``manifest.json`` lists artifacts sorted by path, each with ``lesson``,
``params`` (set name), ``edition``, ``path`` (relative, POSIX), ``sha256``,
``input_hash``, ``status`` (``executed``/``cached`` this build, ``failed``
when the last run failed and the file is the last good output, ``carried``
for lessons outside a ``--lesson`` selection) and ``seconds`` (time spent on
it in this build: a job's time split over its artifacts, 0 when cached) and
``values`` (every parameter's value of the set as handed out: the notebook's
defaults with the set's changes -- the grader grades against these).  The
header records ``govlib_version`` and ``sets`` ("lesson/set" -> values).
Extra keys: the instructor entry lists the register ``figures`` the lesson
shows; ``size`` and ``mtime_ns`` let a rebuild trust an untouched file without
hashing it again (like make and git); ``last_run_seconds`` (the job's last
execution time) orders the next build longest-first.  The manifest is the only output that records timing;
every other file is byte-identical across clean builds of the same commit.

Steps (each its own module): (1) load and validate the syllabus and every parameter set against its
notebook's parameters cell -- before any kernel starts (:mod:`~govlib.publish.plan`); (2) hash each lesson x
set's inputs and skip those whose outputs are current (:mod:`~govlib.publish.plan`);
(3) run the rest in ``jobs`` worker processes, one fresh kernel per job
(:mod:`~govlib.publish.pool`, :mod:`~govlib.publish.progress`); (4) write the
manifest (after every job, so an interrupted build keeps what finished) and the
index (:mod:`~govlib.publish.site`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from govlib import __version__, paths
from govlib.errors import display_path
from govlib.publish import cache
from govlib.publish import plan as plan_mod
from govlib.publish.execute import EDITION_FILES
from govlib.publish.pool import run_pool
from govlib.publish.progress import make_progress
from govlib.syllabus import load_syllabus

__all__ = ["run_build", "BuildReport", "Failure", "default_hash_paths", "INDEX_FILES", "SITE_PAGES"]

#: the index pages (edition -> path)
#: the site pages beside the lessons (edition -> path); each has a Traditional copy ``<edition>.zh-Hant``
SITE_PAGES = {"index": "index.html", "glossary": "glossary.html", "references": "references.html"}
INDEX_FILES = {**SITE_PAGES, **{f"{ed}.zh-Hant": p.replace(".html", ".zh-Hant.html") for ed, p in SITE_PAGES.items()}}


def default_hash_paths() -> list[Path]:
    """What every lesson depends on: ``govlib/``, ``data/`` and ``constraints.txt``."""
    return [paths.PACKAGE, paths.DATA, paths.LOCK]


@dataclass
class Failure:
    """One failed lesson x parameter set."""

    lesson: str
    params: str
    cell: int | None
    cell_label: str
    ename: str
    evalue: str
    detail: str = ""
    notebook: str | None = None

    def __str__(self) -> str:
        text = f"课程 {self.lesson} 的参数集 {self.params}，{self.cell_label}：{self.ename}：{self.evalue}"
        if self.notebook:
            text += f"\n    出错的笔记本保存在 {self.notebook}"
        return text


@dataclass
class BuildReport:
    """What a build did.  ``ok`` is false when any job failed."""

    out: Path
    entries: list[dict] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0
    index_written: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        text = (f"运行 {len(self.executed)} 个，沿用缓存 {len(self.cached)} 个，失败 {len(self.failures)} 个，"
                f"用时 {self.seconds:.1f} 秒 → {display_path(self.out)}")
        return text


def _warm_citations() -> None:
    """Load the register in a background thread while kernels run (the index needs it at the end)."""
    def load():
        try:
            from govlib.data import load_register

            load_register()
        except Exception:  # noqa: BLE001 - the index reports citation problems itself
            pass

    threading.Thread(target=load, name="govlib-warm-register", daemon=True).start()


def run_build(syllabus: str | Path = paths.SYLLABUS, out: str | Path = paths.BUILD,
              lessons: Iterable[str] | None = None, jobs: int | None = None, force: bool = False,
              quiet: bool = False, hash_paths: Iterable[str | Path] | None = None, *,
              cite: Callable[[str], str] | None = None, console=None, hub: dict | None = None,
              cell_timeout: int | None = None, data_dir: str | Path | None = None) -> BuildReport:
    """Build the course: execute what changed, render every edition, write the index and manifest.

    Parameters
    ----------
    syllabus : path
        The syllabus file (default ``course/course.yml``).
    out : path
        The output folder (default ``course/_build``).
    lessons : iterable of str, optional
        Build only these lesson ids (others keep their outputs).
    jobs : int, optional
        Worker processes (default: the number of cores).
    force : bool
        Re-execute even when the outputs are current.
    quiet : bool
        Plain progress lines for finished jobs only.
    hash_paths : iterable of path, optional
        What every lesson depends on (default ``govlib/``, ``data/``,
        ``constraints.txt``).
    cite : callable, optional
        Figure id -> citation for the index (default ``govlib.data.cite``).
    console : rich.console.Console, optional
        Where progress goes (default: stdout).
    hub : dict, optional
        ``{"url", "repo", "branch"}`` of a JupyterHub with nbgitpuller: the index links each lesson there
        (default: the syllabus' ``hub`` entry, if its model has one).
    cell_timeout : int, optional
        Seconds one cell may run before the build stops that lesson and names the cell
        (default 600).
    data_dir : path, optional
        The register checked before any kernel starts (default ``data/``, as the kernels read it).

    Returns
    -------
    BuildReport

    Raises
    ------
    DataError
        The syllabus is invalid, or the register of figures is (checked before any kernel starts).
    ParameterError
        A parameter set does not match its notebook (raised before any kernel starts).
    GovlibError
        An unknown lesson id was asked for; *out* is a non-empty folder that is
        not a govlib build; another build is writing to *out*; a system tool an
        output needs (Chromium) is missing.
    KeyboardInterrupt
        After stopping the workers and removing temporary files.
    """
    t0 = time.monotonic()
    syl = load_syllabus(syllabus)
    out = Path(out).resolve()
    if hub is None and syl.hub is not None:  # the syllabus may name the class's hub (``hub: {url, repo, branch}``)
        hub = syl.hub.model_dump()

    # 1. validate every parameter set (and the tools the outputs need) before any kernel starts
    selected = plan_mod.select(syl, lessons)
    items = plan_mod.validate(syl, selected)
    plan_mod.check_tools()
    if cell_timeout is not None and int(cell_timeout) < 1:
        from govlib.errors import ParameterError

        raise ParameterError(f"--cell-timeout 须为正整数秒数（得到 {cell_timeout}）")
    plan_mod.ensure_out(out)
    lock = plan_mod.lock_out(out)  # one build per folder: a second one is refused before it touches anything
    try:
        return _locked_build(syl, out, selected, items, lessons=lessons, jobs=jobs, force=force, quiet=quiet,
                             hash_paths=hash_paths, cite=cite, console=console, hub=hub, t0=t0,
                             cell_timeout=cell_timeout, data_dir=data_dir)
    finally:
        os.close(lock)


def _locked_build(syl, out: Path, selected, items, *, lessons, jobs, force, quiet, hash_paths, cite, console, hub,
                  t0, cell_timeout, data_dir) -> BuildReport:
    cache.sweep_tmp(out)

    # 2. plan: what is current, what must run
    tree = cache.tree_hash(hash_paths if hash_paths is not None else default_hash_paths())
    plan = plan_mod.make_plan(syl, selected, items, out, force=force, tree=tree)
    entries, report = plan.entries, BuildReport(out=out, cached=list(plan.cached))
    if plan.to_run:
        plan_mod.check_register(Path(data_dir) if data_dir is not None else None)
        if cell_timeout is not None:
            from dataclasses import replace

            plan.to_run[:] = [replace(job, timeout=int(cell_timeout)) for job in plan.to_run]

    def write_manifest() -> None:
        cache.write_manifest(out, list(entries.values()), course=syl.title_zh, govlib_version=__version__,
                             sets=_sets(entries, plan))

    # 3. execute
    from rich.console import Console

    console = console or Console(highlight=False, soft_wrap=True)
    keys = [f"{les.id}/{name}" for les, name, _, _ in items]
    progress = make_progress(keys, len(plan.to_run), console, quiet)
    on_result = _collector(out, plan, report, progress, write_manifest)
    if plan.to_run and cite is None:
        _warm_citations()
    with progress:
        for k in report.cached:
            progress.cached(k)
        if plan.to_run:
            n = max(1, min(jobs or os.cpu_count() or 1, len(plan.to_run)))
            try:
                run_pool(plan.to_run, n, progress, on_result, out)
            except KeyboardInterrupt:
                _keep_unfinished(out, plan, report)
                write_manifest()
                raise

    # 4. index and manifest
    report.index_written = _write_index(syl, out, entries, plan, cite=cite, hub=hub)
    progress.index(report.index_written)
    if not lessons:
        plan_mod.prune(out, plan.old, list(entries.values()))
    write_manifest()
    report.entries = sorted(entries.values(), key=lambda e: e["path"])
    report.seconds = time.monotonic() - t0
    if not quiet or report.failures:
        from rich.markup import escape

        for f in report.failures:
            console.print(f"[bold red]失败[/] {escape(str(f))}")
        console.print(("[green]构建完成[/]：" if report.ok else "[bold red]构建失败[/]：")
                      + escape(report.summary()))
    return report


def _keep_unfinished(out: Path, plan: plan_mod.Plan, report: BuildReport) -> None:
    """After Ctrl-C: every job that did not finish, and the site pages, keep their last good build's entries
    (those files are untouched: a job writes its outputs only when it has finished)."""
    finished = set(report.executed) | {f"{f.lesson}/{f.params}" for f in report.failures}
    for e in plan.old:  # the site pages: not rewritten, since the build stopped before the index
        if e.get("lesson") is None and e["path"] not in plan.entries and (out / e["path"]).is_file():
            plan.entries[e["path"]] = {**e, "status": "carried", "seconds": 0.0}
    for job in plan.to_run:
        if job.key in finished:
            continue
        for e in plan.old_by_key.get((job.lesson, job.set_name), []):
            if e["path"] not in plan.entries and (out / e["path"]).is_file():
                plan.entries[e["path"]] = {**e, "status": "failed" if e.get("status") == "failed" else "carried",
                                           "seconds": 0.0}


def _sets(entries: dict[str, dict], plan: plan_mod.Plan) -> dict[str, dict]:
    """"lesson/set" -> the handed-out parameter values, for every set with outputs."""
    keys = {f"{e['lesson']}/{e['params']}" for e in entries.values() if e.get("lesson")}
    out = {}
    for k in sorted(keys):
        vals = plan.values.get(k)
        if vals is None:  # carried from a previous build: its entries know
            vals = next((e.get("values") for e in entries.values()
                         if f"{e.get('lesson')}/{e.get('params')}" == k and e.get("values") is not None), None)
        if vals is not None:
            out[k] = vals
    return out


def _collector(out: Path, plan: plan_mod.Plan, report: BuildReport, progress, write_manifest):
    """The callback that records each job's result in the manifest entries and the report."""
    entries = plan.entries

    def on_result(res: dict) -> None:
        key = res["key"]
        if res["status"] == "executed":
            for e in [e for e in entries.values() if (e["lesson"], e["params"]) == (res["lesson"], res["params"])]:
                entries.pop(e["path"], None)
            n = len(res["artifacts"])
            for a in res["artifacts"]:
                entry = {"lesson": res["lesson"], "params": res["params"], "edition": a["edition"],
                         "path": a["path"], "sha256": a["sha256"], "input_hash": plan.job_hash[key],
                         "status": "executed", "seconds": round(res["seconds"] / n, 3),
                         "last_run_seconds": round(res["seconds"], 3), "values": plan.values.get(key),
                         **plan_mod.stamp(out / a["path"])}
                if a["edition"] == "instructor":
                    entry["figures"] = res["figures"]
                entries[a["path"]] = entry
            report.executed.append(key)
            progress.done(key, "executed", res["seconds"])
        else:
            f = res["failure"]
            failure = Failure(res["lesson"], res["params"], f["cell"], f["cell_label"], f["ename"], f["evalue"],
                              f.get("detail", ""), f.get("notebook"))
            report.failures.append(failure)
            # the last good outputs stay; mark them
            for e in plan.old_by_key.get((res["lesson"], res["params"]), []):
                if e["edition"] in EDITION_FILES and (out / e["path"]).is_file():
                    entries[e["path"]] = {**e, "status": "failed", "seconds": 0.0}
            if failure.notebook:
                p = out / failure.notebook
                entries[failure.notebook] = {
                    "lesson": res["lesson"], "params": res["params"], "edition": "failed-notebook",
                    "path": failure.notebook, "sha256": cache.sha256_file(p) if p.is_file() else None,
                    "input_hash": plan.job_hash[key], "status": "failed", "seconds": res["seconds"]}
            progress.done(key, "failed", res["seconds"], f"{failure.cell_label}: {failure.ename}")
        write_manifest()

    return on_result


def _write_index(syl, out: Path, entries: dict[str, dict], plan: plan_mod.Plan, *, cite, hub) -> bool:
    """Write the site pages (index, glossary, references) and their Traditional copies unless current.

    Returns whether they were written.  The glossary and the bibliography are
    rendered by :mod:`govlib.reference` from ``data/``, which the tree hash covers.
    """
    figures: dict[str, set] = {}
    for e in entries.values():
        if e.get("edition") == "instructor":
            figures.setdefault(e["lesson"], set()).update(e.get("figures") or [])
    figs = {k: sorted(v) for k, v in figures.items()}
    index_key = cache.sha256_bytes(json.dumps({
        "format": cache.BUILD_FORMAT, "syllabus": syl.model_dump(mode="json"), "tree": plan.tree, "figures": figs,
        "artifacts": sorted((e["path"], e.get("status") == "failed") for e in entries.values()),
        "hub": hub or {},
    }, sort_keys=True, ensure_ascii=False).encode())
    old_index = {e["edition"]: e for e in plan.old if e.get("edition") in INDEX_FILES}
    if all(ed in old_index and old_index[ed].get("input_hash") == index_key for ed in INDEX_FILES) and all(
            plan_mod.unchanged(out / p, old_index[ed]) for ed, p in INDEX_FILES.items()):
        for ed in INDEX_FILES:
            entries[INDEX_FILES[ed]] = {**old_index[ed], "status": "cached", "seconds": 0.0}
        return False
    from govlib.publish.editions import to_traditional
    from govlib.publish.site import render_index

    ti = time.monotonic()
    from govlib.reference import glossary_page, references_page

    simplified = {"index": render_index(syl, list(entries.values()), figs, cite=cite, hub=hub),
                  "glossary": glossary_page(), "references": references_page()}
    pages = {**simplified, **{f"{ed}.zh-Hant": to_traditional(page) for ed, page in simplified.items()}}
    secs = round((time.monotonic() - ti) / len(pages), 3)
    for ed, rel in INDEX_FILES.items():
        data = pages[ed].encode("utf-8")
        cache.atomic_write(out / rel, data)
        entries[rel] = {"lesson": None, "params": None, "edition": ed, "path": rel,
                        "sha256": cache.sha256_bytes(data), "input_hash": index_key,
                        "status": "executed", "seconds": secs, **plan_mod.stamp(out / rel)}
    return True
