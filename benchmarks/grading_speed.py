"""How much does the sandbox cost?  Grades N copies of a realistic submission with and without bubblewrap.

    python benchmarks/grading_speed.py [-n 100] [-j 2] [--rounds 4] [--timeout 60]

The submission is a returned notebook of the fixture lesson ``demo``
(tests/data/grading): all six answers, each followed by its ``check`` call,
plus the cells a student of this course typically runs -- pandas on a small
table and a matplotlib chart.  The copies are graded in ``--rounds`` rounds,
alternating sandboxed (``bwrap``) and unsandboxed (``--unsafe-no-sandbox``)
runs of N / rounds copies each, so that a change in the machine's load
affects both alike.  Printed: seconds per mode, submissions per second, and
the ratio sandboxed / unsandboxed (goal: at most 1.3).  One untimed
warm-up run per mode comes first (imports, reading the syllabus).

Everything is written under a temporary folder.  This is a benchmark, not a
test: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRADING = ROOT / "tests" / "data" / "grading"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(GRADING))

REALISTIC = '''\
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
df = pd.DataFrame({"社区": ["甲", "乙", "丙", "丁"], "户数": [820, 1250, 990, 1430]})
df["网格数"] = (df["户数"] / 300).apply(lambda x: int(-(-x // 1)))
print(df.describe())
fig, ax = plt.subplots()
ax.bar(df["社区"], df["网格数"])
plt.close(fig)'''


def _submission() -> bytes:
    from make_class import RIGHT, notebook

    nb = notebook(RIGHT, extra={1: REALISTIC})
    return (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100, help="copies graded per mode")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()

    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GRADING), os.environ.get("PYTHONPATH")]))
    os.environ["GOVLIB_EXERCISE_BANKS"] = "govlib_demo_bank"
    import govlib_demo_bank  # noqa: F401 - registers the demo lesson here too

    from govlib.grading import grade_folder

    data = _submission()
    per_round = max(1, args.n // args.rounds)
    seconds = {True: 0.0, False: 0.0}
    counts = {True: 0, False: 0}
    with tempfile.TemporaryDirectory(prefix="govlib-grading-bench-") as tmp:
        tmp = Path(tmp)
        # warm-up, not timed: imports, the handout, the bwrap check, the matplotlib cache
        for sandboxed in (True, False):
            warm = tmp / f"warm-{sandboxed}"
            warm.mkdir()
            (warm / "x.ipynb").write_bytes(data)
            grade_folder(warm, "demo", out=tmp / f"out-warm-{sandboxed}", jobs=1, timeout=args.timeout,
                         syllabus=GRADING / "course" / "course.yml", sandbox=sandboxed)
        for r in range(args.rounds):
            for sandboxed in ((True, False) if r % 2 == 0 else (False, True)):
                sub = tmp / f"r{r}-{'sandbox' if sandboxed else 'plain'}"
                sub.mkdir()
                for i in range(per_round):
                    (sub / f"学生{i:03d}.ipynb").write_bytes(data)
                t0 = time.perf_counter()
                res = grade_folder(sub, "demo", out=tmp / f"out-{sub.name}", jobs=args.jobs, timeout=args.timeout,
                                   syllabus=GRADING / "course" / "course.yml", sandbox=sandboxed)
                dt = time.perf_counter() - t0
                ok = sum(1 for s in res.submissions if s.status == "ok")
                right = sum(1 for row in res.rows if row.correct == 1)
                if ok != per_round or right != 5 * per_round:
                    print(f"  warning: {ok}/{per_round} ran ok, {right} right answers "
                          f"({[s.problems for s in res.submissions if s.status != 'ok'][:2]})")
                seconds[sandboxed] += dt
                counts[sandboxed] += per_round
                print(f"round {r + 1}: {'bwrap  ' if sandboxed else 'no sandbox'} {per_round} copies in {dt:6.1f} s")
                shutil.rmtree(sub)
    print()
    print(f"cores: {os.cpu_count()}, jobs: {args.jobs}, load average now: {os.getloadavg()[0]:.1f}")
    for sandboxed in (False, True):
        n, s = counts[sandboxed], seconds[sandboxed]
        print(f"{'with bwrap sandbox' if sandboxed else 'without sandbox   '}: {n} submissions in {s:7.1f} s = "
              f"{n / s:5.2f} submissions/s")
    print(f"ratio sandboxed / unsandboxed: {seconds[True] / seconds[False]:.3f} (goal <= 1.3)")


if __name__ == "__main__":
    main()
