"""``run_build``: validate, plan, execute in parallel, write the manifest and the index.

Output layout (under ``--out``, default ``course/_build``)::

    .gitignore                       "*" -- the folder ignores itself
    index.html, index.zh-Hant.html   the syllabus, links, figures with citations
    manifest.json                    one entry per artifact (see below)
    lessons/<lesson>/<params>/instructor.html
    lessons/<lesson>/<params>/student.html
    lessons/<lesson>/<params>/instructor.zh-Hant.html
    lessons/<lesson>/<params>/student.zh-Hant.html
    lessons/<lesson>/<params>/student.ipynb
    _failed/<lesson>/<params>.ipynb  the executed notebook of a failed run

``manifest.json`` lists artifacts sorted by path, each with ``lesson``,
``params`` (set name), ``edition``, ``path`` (relative, POSIX), ``sha256``,
``input_hash``, ``status`` (``executed``/``cached`` this build, ``failed``
when the last run failed and the file is the last good output, ``carried``
for lessons outside a ``--lesson`` selection) and ``seconds`` (time spent on
it in this build: a job's time split over its artifacts, 0 when cached).
Extra keys: the instructor entry lists the register ``figures`` the lesson
shows; ``size`` and ``mtime_ns`` let a rebuild trust an untouched file without
hashing it again (like make and git); ``last_run_seconds`` (the job's last
execution time) orders the next build longest-first.  The manifest is the only output that records timing;
every other file is byte-identical across clean builds of the same commit.

Steps: (1) load and validate the syllabus and every parameter set against its
notebook's parameters cell -- before any kernel starts; (2) hash each lesson x
set's inputs and skip those whose outputs are current; (3) run the rest in
``jobs`` worker processes, one fresh kernel per job; (4) write the manifest
(after every job, so an interrupted build keeps what finished) and the index.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from govlib import paths
from govlib.publish import cache
from govlib.publish.execute import EDITION_FILES, KERNEL_ENV, Job, edition_files, failed_path
from govlib.publish.params import read_parameters, validate_parameter_set
from govlib.syllabus import load_syllabus
from govlib.errors import GovlibError, ParameterError, display_path

__all__ = ["run_build", "BuildReport", "Failure", "default_hash_paths"]


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
        text = f"lesson '{self.lesson}', parameter set '{self.params}', {self.cell_label}: {self.ename}: {self.evalue}"
        if self.notebook:
            text += f"\n    executed notebook kept at {self.notebook}"
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
        text = (f"{len(self.executed)} executed, {len(self.cached)} cached, {len(self.failures)} failed "
                f"in {self.seconds:.1f}s -> {display_path(self.out)}")
        return text


# --------------------------------------------------------------------------- progress


class _Plain:
    """Plain progress lines, for --quiet and for output that is not a terminal."""

    def __init__(self, total: int, quiet: bool, stream=None):
        self.total, self.quiet, self.n = total, quiet, 0
        self.stream = stream or sys.stdout

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def cached(self, key: str) -> None:
        if not self.quiet:
            self._print(f"[cached ] {key}")

    def start(self, key: str) -> None:
        if not self.quiet:
            self._print(f"[start  ] {key}")

    def done(self, key: str, status: str, seconds: float, note: str = "") -> None:
        self.n += 1
        self._print(f"[{self.n}/{self.total}] {key} {status} in {seconds:.1f}s" + (f": {note}" if note else ""))

    def index(self, written: bool) -> None:
        if not self.quiet:
            self._print("[index  ] " + ("written" if written else "unchanged"))


class _Rich:
    """A live table (rich): each lesson x set with its state and time."""

    LABELS = {"queued": "[dim]排队 queued", "running": "[yellow]运行 running", "executed": "[green]完成 done",
              "cached": "[cyan]缓存 cached", "failed": "[bold red]失败 FAILED"}

    def __init__(self, keys: list[str], console):
        self.console = console
        self.state = {k: "queued" for k in keys}
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        self.live = None

    def _table(self):
        from rich.table import Table

        t = Table(title="govlib build", expand=False)
        t.add_column("lesson / params")
        t.add_column("state")
        t.add_column("time", justify="right")
        now = time.monotonic()
        for k, st in self.state.items():
            secs = self.seconds.get(k, now - self.started[k] if k in self.started else None)
            t.add_row(k, self.LABELS[st] + (f" [dim]{self.notes[k]}" if k in self.notes else ""),
                      "" if secs is None else f"{secs:.1f}s")
        return t

    def __enter__(self):
        from rich.live import Live

        self.live = Live(get_renderable=self._table, console=self.console, refresh_per_second=4, transient=False)
        self.live.__enter__()
        return self

    def __exit__(self, *exc):
        self.live.update(self._table(), refresh=True)
        return self.live.__exit__(*exc)

    def cached(self, key: str) -> None:
        self.state[key] = "cached"
        self.seconds[key] = 0.0

    def start(self, key: str) -> None:
        self.state[key] = "running"
        self.started[key] = time.monotonic()

    def done(self, key: str, status: str, seconds: float, note: str = "") -> None:
        self.state[key] = status
        self.seconds[key] = seconds
        if note:
            self.notes[key] = note[:60]

    def index(self, written: bool) -> None:
        pass


# --------------------------------------------------------------------------- helpers


def _safe(out: Path, rel: str) -> Path:
    """``out / rel``, refusing anything that would leave the output folder."""
    norm = os.path.normpath(rel)
    if os.path.isabs(norm) or norm == ".." or norm.startswith(".." + os.sep):
        raise GovlibError(f"refusing to write outside the output folder: {rel}")
    return out / norm


def _is_current(out: Path, entries: list[dict], input_hash: str, editions: Iterable[str]) -> bool:
    have = {e["edition"]: e for e in entries}
    for ed in editions:
        e = have.get(ed)
        if not e or e.get("input_hash") != input_hash or e.get("status") == "failed":
            return False
        if not _unchanged(out / e["path"], e):
            return False
    return True


def _stamp(path: Path) -> dict:
    """Size and modification time, so an unchanged file need not be hashed again."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _unchanged(path: Path, entry: dict) -> bool:
    """Is *path* still the file *entry* describes?  (size+mtime like make/git, else sha256)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
        return True
    return cache.sha256_file(path) == entry.get("sha256")


def _ensure_out(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    gi = out / ".gitignore"
    if not gi.exists():
        cache.atomic_write(gi, "# generated by govlib build; the folder ignores itself\n*\n")


def _prune(out: Path, old: list[dict], new: list[dict]) -> None:
    keep = {e["path"] for e in new} | {"manifest.json", ".gitignore"}
    for e in old:
        if e["path"] in keep:
            continue
        try:
            p = _safe(out, e["path"])
        except GovlibError:
            continue
        if p.is_file():
            p.unlink()
    for sub in ("lessons", "_failed"):
        root = out / sub
        if not root.is_dir():
            continue
        for dirpath, _dirs, _files in sorted(os.walk(root), key=lambda t: -len(t[0])):
            try:
                os.rmdir(dirpath)  # only succeeds when empty
            except OSError:
                pass


# --------------------------------------------------------------------------- the pool


class _no_main_module:
    """Start worker processes without re-running the caller's ``__main__``.

    multiprocessing re-imports the parent's main script in each child (so a
    script calling :func:`run_build` without an ``if __name__ == "__main__"``
    guard would build recursively).  The workers need nothing from it, so
    ``__main__`` is swapped for an empty module while they start.
    """

    def __enter__(self):
        import types

        self.saved = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            sys.modules["__main__"] = self.saved
        return False


def _run_pool(jobs: list[Job], n: int, progress, on_result: Callable[[dict], None], out: Path) -> None:
    """Run *jobs* in *n* spawned worker processes; call *on_result* for each result."""
    import multiprocessing as mp
    import queue
    import tempfile

    from govlib.publish.execute import worker_main

    # forkserver: the heavy imports (nbformat/jsonschema, nbconvert, papermill,
    # jupytext) happen once in the server; workers fork from it ready to go.
    # The server is a fresh process, so no thread of ours is forked.
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["govlib.publish.execute", "govlib.publish.editions", "jupytext", "nbconvert",
                                "papermill", "nbclient", "opencc"])
    task_q, result_q = ctx.Queue(), ctx.Queue()
    env = dict(os.environ)
    env.update({k: os.environ.get(k, v) if k == "SOURCE_DATE_EPOCH" else v for k, v in KERNEL_ENV.items()})
    logs: list[str] = []
    procs = []
    with _no_main_module():
        for _ in range(n):
            fd, log = tempfile.mkstemp(prefix="govlib-build-worker-", suffix=".log")
            os.close(fd)
            logs.append(log)
            p = ctx.Process(target=worker_main, args=(task_q, result_q, env, log), daemon=True)
            p.start()
            procs.append(p)
    by_key = {j.key: j for j in jobs}
    for j in jobs:
        task_q.put(j)
    for _ in procs:
        task_q.put(None)
    pending = set(by_key)
    keep_logs = False
    running: dict[str, int] = {}
    pid_log = {}
    try:
        while pending:
            try:
                msg = result_q.get(timeout=0.25)
            except queue.Empty:
                alive = {p.pid for p in procs if p.is_alive()}
                for key, pid in list(running.items()):
                    if pid not in alive:
                        keep_logs = True
                        running.pop(key)
                        pending.discard(key)
                        code = next((p.exitcode for p in procs if p.pid == pid), None)
                        j = by_key[key]
                        on_result({"key": key, "lesson": j.lesson, "params": j.set_name, "status": "failed",
                                   "seconds": 0.0, "artifacts": [], "figures": [],
                                   "failure": {"cell": None, "cell_label": "(worker)", "ename": "WorkerDied",
                                               "evalue": f"the worker process exited with code {code}",
                                               "detail": "", "notebook": None}})
                if pending and not alive:
                    keep_logs = True
                    for key in sorted(pending):
                        j = by_key[key]
                        on_result({"key": key, "lesson": j.lesson, "params": j.set_name, "status": "failed",
                                   "seconds": 0.0, "artifacts": [], "figures": [],
                                   "failure": {"cell": None, "cell_label": "(worker)", "ename": "WorkerDied",
                                               "evalue": "no worker process left to run it; see "
                                                         + ", ".join(logs), "detail": "", "notebook": None}})
                    pending.clear()
                continue
            kind, key = msg[0], msg[1]
            if kind == "start":
                running[key] = msg[2]
                pid_log[key] = msg[2]
                progress.start(key)
            elif kind == "done":
                running.pop(key, None)
                if key in pending:
                    pending.discard(key)
                    on_result(msg[2])
        for p in procs:
            p.join(timeout=30)
    except BaseException:
        # Ctrl-C or an error here: stop the workers now.  Every output is written
        # to a temporary name and renamed, so nothing half-written is left once
        # the temporary files are swept.  Kernels exit with their parent.
        for p in procs:
            if p.is_alive():
                p.terminate()
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        cache.sweep_tmp(out)
        raise
    finally:
        for q in (task_q, result_q):
            q.cancel_join_thread()
            q.close()
        for log in logs if not keep_logs else []:
            try:
                os.unlink(log)
            except OSError:
                pass


def _warm_citations() -> None:
    """Load the register in a background thread while kernels run (the index needs it at the end)."""
    import threading

    def load():
        try:
            from govlib.data import load_register

            load_register()
        except Exception:  # noqa: BLE001 - the index reports citation problems itself
            pass

    threading.Thread(target=load, name="govlib-warm-register", daemon=True).start()


# --------------------------------------------------------------------------- the build


def run_build(syllabus: str | Path = paths.SYLLABUS, out: str | Path = paths.BUILD,
              lessons: Iterable[str] | None = None, jobs: int | None = None, force: bool = False,
              quiet: bool = False, hash_paths: Iterable[str | Path] | None = None, *,
              cite: Callable[[str], str] | None = None, console=None) -> BuildReport:
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

    Returns
    -------
    BuildReport

    Raises
    ------
    DataError
        The syllabus is invalid.
    ParameterError
        A parameter set does not match its notebook (raised before any kernel starts).
    GovlibError
        An unknown lesson id was asked for.
    KeyboardInterrupt
        After stopping the workers and removing temporary files.
    """
    t0 = time.monotonic()
    syl = load_syllabus(syllabus)
    shown = display_path(syl.path)
    all_ids = [les.id for les in syl.lessons]
    if lessons:
        wanted = list(dict.fromkeys(lessons))
        unknown = [w for w in wanted if w not in all_ids]
        if unknown:
            raise GovlibError(f"{shown}: unknown lesson id(s) {', '.join(map(repr, unknown))}; "
                              f"the syllabus has: {', '.join(all_ids)}")
        selected = [les for les in syl.lessons if les.id in wanted]
    else:
        selected = list(syl.lessons)

    # 1. validate every parameter set before any kernel starts
    problems: list[str] = []
    plan: list[tuple[Any, str, dict, Any]] = []
    parsed: dict[Path, Any] = {}
    for les in selected:
        nb_path = syl.notebook_path(les)
        try:
            if nb_path not in parsed:
                parsed[nb_path] = read_parameters(nb_path)
        except ParameterError as exc:
            problems.append(f"lesson '{les.id}': {exc}")
            continue
        nbp = parsed[nb_path]
        for name in les.set_names():
            values, errs = validate_parameter_set(nbp, les.params[name], lesson=les.id, set_name=name)
            problems += errs
            plan.append((les, name, values, nbp))
    if problems:
        raise ParameterError(f"{shown}: {len(problems)} problem(s) with parameter sets "
                             f"(nothing was executed):\n" + "\n".join(f"  - {p}" for p in problems))

    # 2. plan: what is current, what must run
    out = Path(out).resolve()
    _ensure_out(out)
    cache.sweep_tmp(out)
    tree = cache.tree_hash(hash_paths if hash_paths is not None else default_hash_paths())
    old = cache.load_manifest(out)
    old_by_key: dict[tuple, list[dict]] = {}
    for e in old:
        old_by_key.setdefault((e.get("lesson"), e.get("params")), []).append(e)
    report = BuildReport(out=out)
    entries: dict[str, dict] = {}  # path -> entry
    selected_ids = {les.id for les in selected}
    # lessons outside a --lesson selection keep their entries
    for (lid, pname), es in old_by_key.items():
        if lid in all_ids and lid not in selected_ids and pname in syl.lesson(lid).params:
            for e in es:
                entries[e["path"]] = {**e, "status": e.get("status") if e.get("status") == "failed" else "carried",
                                      "seconds": 0.0}
    to_run: list[Job] = []
    job_hash: dict[str, str] = {}
    for les, name, values, nbp in plan:
        deps = [syl.root / d for d in les.depends]
        h = cache.job_hash(notebook=nbp.path, lesson=les.id, title=les.title_zh, set_name=name,
                           values=values, tree=tree, depends=deps)
        key = f"{les.id}/{name}"
        job_hash[key] = h
        prev = old_by_key.get((les.id, name), [])
        for rel in edition_files(les.id, name).values():
            _safe(out, rel)
        if not force and _is_current(out, prev, h, EDITION_FILES):
            for e in prev:
                if e["edition"] in EDITION_FILES:
                    entries[e["path"]] = {**e, "status": "cached", "seconds": 0.0}
            report.cached.append(key)
            continue
        to_run.append(Job(lesson=les.id, set_name=name, notebook=str(nbp.path), values=values, input_hash=h,
                          out=str(out), course_title=syl.title_zh, lesson_title=les.title_zh,
                          params_source=nbp.source,
                          extra={"objectives": list(les.objectives), "minutes": les.minutes,
                                 "resolved": {**nbp.defaults(), **values}}))
    # longest first (by the last build's timing): a shorter critical path
    est = {f"{e.get('lesson')}/{e.get('params')}": float(e.get("last_run_seconds") or 0) for e in old}
    to_run.sort(key=lambda j: -est.get(j.key, 1e9))

    # 3. execute
    from rich.console import Console

    console = console or Console(highlight=False, soft_wrap=True)
    keys = [f"{les.id}/{name}" for les, name, _, _ in plan]
    fancy = console.is_terminal and not quiet and bool(to_run)
    progress = _Rich(keys, console) if fancy else _Plain(len(to_run), quiet, stream=console.file)

    def write_manifest() -> None:
        cache.write_manifest(out, list(entries.values()), course=syl.title_zh)

    def on_result(res: dict) -> None:
        key = res["key"]
        if res["status"] == "executed":
            for e in [e for e in entries.values() if (e["lesson"], e["params"]) == (res["lesson"], res["params"])]:
                entries.pop(e["path"], None)
            n = len(res["artifacts"])
            for a in res["artifacts"]:
                entry = {"lesson": res["lesson"], "params": res["params"], "edition": a["edition"],
                         "path": a["path"], "sha256": a["sha256"], "input_hash": job_hash[key],
                         "status": "executed", "seconds": round(res["seconds"] / n, 3),
                         "last_run_seconds": round(res["seconds"], 3),
                         **_stamp(out / a["path"])}
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
            for e in old_by_key.get((res["lesson"], res["params"]), []):
                if e["edition"] in EDITION_FILES and (out / e["path"]).is_file():
                    entries[e["path"]] = {**e, "status": "failed", "seconds": 0.0}
            if failure.notebook:
                p = out / failure.notebook
                entries[failure.notebook] = {
                    "lesson": res["lesson"], "params": res["params"], "edition": "failed-notebook",
                    "path": failure.notebook, "sha256": cache.sha256_file(p) if p.is_file() else None,
                    "input_hash": job_hash[key], "status": "failed", "seconds": res["seconds"]}
            progress.done(key, "failed", res["seconds"], f"{failure.cell_label}: {failure.ename}")
        write_manifest()

    if to_run and cite is None:
        _warm_citations()
    with progress:
        for k in report.cached:
            progress.cached(k)
        if to_run:
            n = max(1, min(jobs or os.cpu_count() or 1, len(to_run)))
            try:
                _run_pool(to_run, n, progress, on_result, out)
            except KeyboardInterrupt:
                write_manifest()
                raise

    # 4. index and manifest
    figures: dict[str, set] = {}
    for e in entries.values():
        if e.get("edition") == "instructor":
            figures.setdefault(e["lesson"], set()).update(e.get("figures") or [])
    figs = {k: sorted(v) for k, v in figures.items()}
    index_key = cache.sha256_bytes(json.dumps({
        "format": cache.BUILD_FORMAT, "syllabus": syl.model_dump(mode="json"), "tree": tree, "figures": figs,
        "artifacts": sorted((e["path"], e.get("status") == "failed") for e in entries.values()),
    }, sort_keys=True, ensure_ascii=False).encode())
    old_index = {e["edition"]: e for e in old if e.get("edition") in ("index", "index.zh-Hant")}
    index_files = {"index": "index.html", "index.zh-Hant": "index.zh-Hant.html"}
    if all(ed in old_index and old_index[ed].get("input_hash") == index_key for ed in index_files) and all(
            _unchanged(out / p, old_index[ed])
            for ed, p in index_files.items()):
        for ed in index_files:
            entries[index_files[ed]] = {**old_index[ed], "status": "cached", "seconds": 0.0}
    else:
        from govlib.publish.editions import to_traditional
        from govlib.publish.site import render_index

        ti = time.monotonic()
        page = render_index(syl, list(entries.values()), figs, cite=cite)
        pages = {"index": page, "index.zh-Hant": to_traditional(page)}
        secs = round((time.monotonic() - ti) / 2, 3)
        for ed, rel in index_files.items():
            data = pages[ed].encode("utf-8")
            cache.atomic_write(out / rel, data)
            entries[rel] = {"lesson": None, "params": None, "edition": ed, "path": rel,
                            "sha256": cache.sha256_bytes(data), "input_hash": index_key,
                            "status": "executed", "seconds": secs, **_stamp(out / rel)}
        report.index_written = True
    progress.index(report.index_written)
    if not lessons:
        _prune(out, old, list(entries.values()))
    write_manifest()
    report.entries = sorted(entries.values(), key=lambda e: e["path"])
    report.seconds = time.monotonic() - t0
    if not quiet or report.failures:
        from rich.markup import escape

        for f in report.failures:
            console.print(f"[bold red]FAILED[/] {escape(str(f))}")
        console.print(("[green]build ok[/]: " if report.ok else "[bold red]build failed[/]: ")
                      + escape(report.summary()))
    return report
