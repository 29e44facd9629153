"""How fast is ``govlib build``?  Builds the course several ways and prints figures and ratios.

    python benchmarks/build_speed.py [--syllabus course/course.yml] [--lesson ID ...] [-j N] [--skip-naive]

(a) naive baseline: per lesson x parameter set, sequentially, the command-line
    tools: ``jupytext --to ipynb``, ``papermill`` (with ``-p`` for each
    parameter), then ``jupyter nbconvert`` for the instructor HTML, the
    student HTML (TagRemovePreprocessor) and the student notebook
    (TagRemovePreprocessor + ClearOutputPreprocessor).  The Traditional
    Chinese copies, the index and the manifest are *not* made, so the
    baseline does less work than the build.
(b) ``govlib build`` from clean (``-j``: the number of cores unless given);
(c) again with nothing changed;
(d) after changing one lesson's notebook (a comment appended): reported
    next to that lesson's own execution time from (b);
(e) ``govlib build`` from clean with only the outputs that existed before the
    classroom materials (``GOVLIB_BENCH_BASELINE_OUTPUTS=1``: pages, zh-Hant
    copies, student.ipynb; no slides, pptx, PDFs, answer page, answer key or
    Traditional chart renders): the ratio (b)/(e) is what the classroom
    materials add to a clean build;
(f) the designed decks against the heading-cut decks before them, on the same
    executed lessons (``benchmarks/deck_cost.py``; ``--skip-decks`` to skip).

Peak memory is the largest sum of the resident set sizes of the build
process and all its descendants (kernels included), sampled every 50 ms
from /proc.  Everything -- a copy of the syllabus and notebooks included -- is
written under a temporary folder; the repository is not touched.  This is a benchmark, not a test: it prints, it
does not assert.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent


def _children_rss(pid: int) -> int:
    """RSS in bytes of *pid* and all its descendants (Linux /proc)."""
    kids: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            kids.setdefault(ppid, []).append(int(d))
            rss[int(d)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack += kids.get(p, [])
    return total


class PeakMemory:
    """Sample the RSS of a process tree in a background thread."""

    def __init__(self, pid: int | None = None, interval: float = 0.05):
        self.pid = pid or os.getpid()
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, _children_rss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _children_rss(self.pid))


def _run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def naive(syl, lessons, work: Path) -> tuple[float, int]:
    """(a): the command-line tools, one process per step, sequentially."""
    work.mkdir(parents=True)
    student_cfg = ["--TagRemovePreprocessor.enabled=True",
                   "--TagRemovePreprocessor.remove_cell_tags=solution",
                   "--TagRemovePreprocessor.remove_cell_tags=instructor"]
    t0 = time.perf_counter()
    with PeakMemory() as mem:
        for les in lessons:
            nb = syl.notebook_path(les)
            src = work / f"{les.id}.ipynb"
            _run([str(BIN / "jupytext"), "--to", "ipynb", "-o", str(src), str(nb)])
            for name in les.set_names():
                d = work / les.id / name
                d.mkdir(parents=True)
                executed = d / "executed.ipynb"
                params = []
                for k, v in les.params[name].items():
                    params += ["-p", k, json.dumps(v) if not isinstance(v, str) else v]
                _run([str(BIN / "papermill"), str(src), str(executed), "-k", "python3", "--cwd", str(nb.parent),
                      *params])
                _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed), "--output-dir", str(d),
                      "--output", "instructor"])
                _run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed), "--output-dir", str(d),
                      "--output", "student", *student_cfg])
                _run([str(BIN / "jupyter"), "nbconvert", "--to", "notebook", str(executed), "--output-dir", str(d),
                      "--output", "student", "--ClearOutputPreprocessor.enabled=True", *student_cfg])
    return time.perf_counter() - t0, mem.peak


_BUILD = """
import json, sys
import typer, govlib.publish.cli  # what the command imports
from govlib.publish.runner import run_build
report = run_build(**json.loads(sys.argv[1]))
sys.exit(0 if report.ok else 1)
"""


def govlib_build(kwargs: dict, env: dict | None = None) -> tuple[float, int, str]:
    """Run the build in its own process, as ``govlib build`` does (same imports, same code path)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _BUILD, json.dumps(kwargs)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    with PeakMemory(proc.pid) as mem:
        out, _ = proc.communicate()
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        print(out)
        raise SystemExit(f"govlib build failed (exit {proc.returncode})")
    return secs, mem.peak, out


def main() -> None:
    from govlib import paths
    from govlib.syllabus import load_syllabus

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--syllabus", type=Path, default=paths.SYLLABUS)
    ap.add_argument("--lesson", action="append", help="only these lessons (repeatable)")
    ap.add_argument("-j", "--jobs", type=int, default=None)
    ap.add_argument("--skip-naive", action="store_true", help="skip the (slow) naive baseline")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--skip-decks", action="store_true", help="skip (f), the designed decks against the cut ones")
    a = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="govlib-bench-"))
    # work on a copy of the syllabus and notebooks: (d) edits a notebook, and the
    # working tree is shared with people editing those notebooks
    orig = load_syllabus(a.syllabus)
    mirror = tmp / "repo"
    shutil.copytree(orig.root / "notebooks", mirror / "notebooks")
    (mirror / "course").mkdir(parents=True)
    syllabus = mirror / "course" / "course.yml"
    shutil.copy2(orig.path, syllabus)
    for les in orig.lessons:
        for rel in [les.notebook, *les.depends]:
            dest = mirror / rel
            if not dest.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(orig.root / rel, dest)
    syl = load_syllabus(syllabus)
    lessons = [les for les in syl.lessons if not a.lesson or les.id in a.lesson]
    n_jobs = sum(len(les.params) for les in lessons)
    # hash a snapshot of govlib/, data/ and constraints.txt: the working tree is
    # shared, and a colleague's edit mid-benchmark would (rightly) rebuild everything
    snap = tmp / "hashed"
    hash_paths = []
    for src in (paths.PACKAGE, paths.DATA, paths.LOCK):
        dest = snap / src.name
        if src.is_dir():
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            snap.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
        hash_paths.append(str(dest))
    common = {"syllabus": str(syllabus), "quiet": True, "hash_paths": hash_paths,
              "lessons": [les.id for les in lessons] if a.lesson else None, "jobs": a.jobs}
    print(f"course: {len(lessons)} lesson(s), {n_jobs} lesson x parameter-set job(s); "
          f"{os.cpu_count()} core(s); -j {a.jobs or os.cpu_count()}")
    rows = []
    try:
        naive_s = None
        if not a.skip_naive:
            naive_s, naive_mem = naive(syl, lessons, tmp / "naive")
            rows.append(("(a) naive: CLI tools, sequential", naive_s, naive_mem))
        out = tmp / "build"
        clean_s, clean_mem, _ = govlib_build({"out": str(out), **common})
        rows.append(("(b) govlib build, clean", clean_s, clean_mem))
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        per_lesson: dict[str, float] = {}
        for e in manifest["artifacts"]:
            if e.get("lesson"):
                per_lesson[e["lesson"]] = per_lesson.get(e["lesson"], 0.0) + float(e["seconds"])
        noop_s, noop_mem, _ = govlib_build({"out": str(out), **common})
        rows.append(("(c) govlib build, nothing changed", noop_s, noop_mem))
        # (d) change the first lesson with the smallest number of parameter sets
        target = min(lessons, key=lambda les: len(les.params))
        nb = syl.notebook_path(target)
        nb.write_bytes(nb.read_bytes() + b"\n<!-- benchmark: one changed lesson -->\n")
        one_s, one_mem, _ = govlib_build({"out": str(out), **common})
        rows.append((f"(d) one lesson changed ({target.id}, {len(target.params)} set(s))", one_s, one_mem))
        base_s, base_mem, _ = govlib_build({"out": str(tmp / "build-baseline"), **common},
                                           env={"GOVLIB_BENCH_BASELINE_OUTPUTS": "1"})
        rows.append(("(e) clean, without the classroom outputs", base_s, base_mem))
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(f"{'':52} {'seconds':>8} {'peak MB':>8}")
    for label, s, m in rows:
        print(f"{label:52} {s:8.2f} {m / 2**20:8.0f}")
    print()
    if naive_s:
        print(f"clean build / naive baseline      = {clean_s / naive_s:5.2f}   (target <= 0.25)")
    print(f"no-op rebuild                     = {noop_s:5.2f} s (target < 1 s)")
    print(f"classroom outputs: clean (b)/(e)  = {clean_s / base_s:5.2f}   (slides, pptx, PDFs, answers, "
          f"Traditional charts; {clean_s - base_s:.1f} s more)")
    alone = per_lesson.get(target.id, 0.0)
    print(f"one changed lesson                = {one_s:5.2f} s; that lesson's own execution in (b): {alone:.2f} s "
          f"(job time; the rebuild adds process start-up, one worker and the index)")
    print(f"lesson job times in (b): " + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(per_lesson.items())))
    if not a.skip_decks:  # (f) what the designed decks cost: benchmarks/deck_cost.py
        from deck_cost import report

        report([les.id for les in lessons] if a.lesson else None)


if __name__ == "__main__":
    main()
