"""What the designed decks cost, against the decks cut at headings that came before them, in one run.

    python benchmarks/deck_cost.py [--lesson ID ...] [--repeat N]

Executes the default set of each lesson once (as the build does, outputs not
written), then on the same executed notebooks times

* before: the heading-cut deck of commit ``BEFORE`` (its ``slides.py`` and
  ``pptx_deck.py`` read with ``git show``): cut + ``slides.html`` + ``slides.pptx``;
* after: the designed deck (slide plan, register, answer key) +
  ``slides.html`` + ``slides.pptx``, and the same with the Traditional pair
  (``slides.zh-Hant.html`` + ``slides.zh-Hant.pptx``) added.

Prints seconds per lesson and the ratios after/before.  ``build_speed.py``
calls :func:`report` at its end.  A benchmark: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: the last commit with the heading-cut decks
BEFORE = "44f7d24"


def _old_modules():
    def load(path: str, name: str, replace: tuple[str, str] | None = None):
        src = subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"], capture_output=True, text=True,
                             check=True).stdout
        if replace:
            src = src.replace(*replace)
        mod = types.ModuleType(name)
        sys.modules[name] = mod
        exec(compile(src, f"{BEFORE}:{path}", "exec"), mod.__dict__)
        return mod

    slides = load("govlib/publish/slides.py", "_old_slides")
    pptx = load("govlib/publish/pptx_deck.py", "_old_pptx",
                ("from govlib.publish.slides import Block, Slide", "from _old_slides import Block, Slide"))
    return slides, pptx


def _contexts(lessons):
    """(Context kwargs, executed clean notebook) of each lesson's default set."""
    from govlib.publish import execute, outputs, plan as plan_mod
    from govlib.syllabus import load_syllabus

    syl = load_syllabus()
    sel = plan_mod.select(syl, lessons)
    items = [it for it in plan_mod.validate(syl, sel) if it[1] == "default"]
    import tempfile

    captured = []
    real = outputs.render_all

    def grab(ctx):
        captured.append(ctx)
        return {}

    outputs.render_all = grab
    try:
        with tempfile.TemporaryDirectory(prefix="govlib-deckbench-") as tmp:
            p = plan_mod.make_plan(syl, sel, items, Path(tmp), force=True, tree="bench")
            for job in p.to_run:
                execute.run_job(job)
    finally:
        outputs.render_all = real
    return captured


def _time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def report(lessons=None, repeat: int = 3) -> None:
    """Print what the designed decks cost against the heading-cut decks (see the module docstring)."""
    from govlib.publish.outputs import OUTPUTS

    try:
        old_slides, old_pptx = _old_modules()
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"decks: skipped (the 'before' code needs git history: {exc})")
        return
    ctxs = _contexts(lessons)
    rows = []
    for ctx in ctxs:
        def before():
            deck = old_slides.build_deck(ctx.clean, lesson_title=ctx.lesson_title, course_title=ctx.course_title,
                                         objectives=ctx.objectives, minutes=ctx.minutes, set_name=ctx.set_name)
            old_slides.render_reveal(deck, lesson_title=ctx.lesson_title, course_title=ctx.course_title)
            old_pptx.render_pptx(deck)

        def fresh():
            # the deck is cached per job: measure it from scratch each time
            for attr in ("deck", "deck_hant"):
                ctx.__dict__.pop(attr, None)

        def after(editions):
            def run():
                fresh()
                for ed in editions:
                    OUTPUTS[ed].render(ctx)
            return run

        rows.append((ctx.lesson, _time(before, repeat), _time(after(("slides", "slides-pptx")), repeat),
                     _time(after(("slides", "slides-pptx", "slides.zh-Hant", "slides-pptx.zh-Hant")), repeat)))
    print()
    print(f"decks (best of {repeat}), seconds per lesson default set:")
    print(f"{'lesson':22} {'before':>8} {'after':>8} {'+zh-Hant':>9}")
    for lesson, b, a, h in rows:
        print(f"{lesson:22} {b:8.3f} {a:8.3f} {h:9.3f}")
    tb, ta, th = (sum(r[i] for r in rows) for i in (1, 2, 3))
    print(f"{'total':22} {tb:8.3f} {ta:8.3f} {th:9.3f}")
    print(f"designed decks / heading-cut decks = {ta / tb:5.2f}  (same two files); with the Traditional pair "
          f"= {th / tb:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lesson", action="append", help="lesson id (repeatable; default: every lesson)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    report(args.lesson, args.repeat)


if __name__ == "__main__":
    main()
