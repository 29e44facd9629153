"""What the quanzhou-survey interval chart costs a student's kernel, drawn and from the figure cache, in one run.

    python benchmarks/figcache_cost.py [--repeat N]

Prepares the cache (:func:`govlib.figcache.prepare`) into a temporary folder, then
starts two kernels, one without and one with ``GOVLIB_FIGURE_CACHE``, runs the
lesson's code cells (default set) in each up to the ``survey.plot_intervals`` cell,
and runs that cell *N* times.  Per kernel it prints the kernel's CPU-seconds
(user + system, psutil) for the cell's first run -- what a student pays -- and the
median of all runs, then the ratio drawn / cached (/proc counts CPU in 10 ms ticks, so
the cached figure, one or two ticks, makes the ratio rough).  It also says whether the
drawn PNG and the cached PNG the kernels sent are the same bytes as the prepared
file.  A benchmark: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LESSON = ROOT / "notebooks" / "quanzhou_survey.md"
MARK = "survey.plot_intervals("


def lesson_cells() -> tuple[list[str], str]:
    """The lesson's code cells before the interval chart, and the chart's cell."""
    import jupytext

    nb = jupytext.read(LESSON)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    at = next(i for i, src in enumerate(code) if MARK in src)
    return code[:at], code[at]


class Kernel:
    def __init__(self, env: dict[str, str]):
        import jupyter_client
        import psutil

        self.km, self.kc = jupyter_client.manager.start_new_kernel(kernel_name="python3", env=env)
        out = self.run("import os; print(os.getpid())")
        self.ps = psutil.Process(int(out["stdout"].strip()))

    def cpu(self) -> float:
        t = self.ps.cpu_times()
        return t.user + t.system

    def run(self, code: str) -> dict:
        """Execute *code*; return its stdout, the PNGs it displayed and any error."""
        msg_id = self.kc.execute(code)
        got = {"stdout": "", "png": [], "error": None}
        while True:
            msg = self.kc.get_iopub_msg(timeout=300)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content["name"] == "stdout":
                got["stdout"] += content["text"]
            elif kind in ("display_data", "execute_result") and "image/png" in content["data"]:
                got["png"].append(base64.b64decode(content["data"]["image/png"]))
            elif kind == "error":
                got["error"] = "\n".join(content["traceback"])
            elif kind == "status" and content["execution_state"] == "idle":
                return got

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def measure(env: dict[str, str], before: list[str], cell: str, repeat: int) -> tuple[list[float], list[bytes]]:
    k = Kernel(env)
    try:
        for src in before:
            out = k.run(src)
            if out["error"]:
                raise SystemExit(out["error"])
        times, pngs = [], []
        for _ in range(repeat):
            t0 = k.cpu()
            out = k.run(cell)
            times.append(k.cpu() - t0)
            if out["error"]:
                raise SystemExit(out["error"])
            pngs.append(out["png"])
        return times, pngs[0]
    finally:
        k.stop()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from govlib import figcache

    before, cell = lesson_cells()
    with tempfile.TemporaryDirectory(prefix="govlib-figcache-") as tmp:
        folder = Path(tmp) / "figcache"
        t0 = time.process_time()
        files = figcache.prepare(folder)
        print(f"prepare: {len(files)} PNGs for the lesson's parameter sets, {time.process_time() - t0:.2f} CPU-s")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        env.pop(figcache.ENV, None)
        drawn, drawn_png = measure(env, before, cell, args.repeat)
        hit, hit_png = measure(dict(env, **{figcache.ENV: str(folder)}), before, cell, args.repeat)
        prepared = {f.read_bytes() for f in files}
    for label, t, png in (("drawn", drawn, drawn_png), ("cached", hit, hit_png)):
        same = len(png) == 1 and png[0] in prepared
        print(f"{label:>7}: first {t[0]:.3f} CPU-s, median of {len(t)} {statistics.median(t):.3f} CPU-s; "
              f"{len(png)} PNG shown, {'same bytes as' if same else 'NOT the same bytes as'} the prepared file")
    print(f"  ratio drawn/cached: first {drawn[0] / hit[0]:.1f}x, median "
          f"{statistics.median(drawn) / statistics.median(hit):.1f}x")


if __name__ == "__main__":
    main()
