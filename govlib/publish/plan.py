"""Plan a build: validate every parameter set, hash inputs, decide what is current, guard the output folder.

Nothing here starts a kernel.  :func:`validate` reads each lesson's
parameters cell and checks every set against it (all problems reported at
once); :func:`make_plan` hashes each lesson x set's inputs and splits the
work into jobs to run and entries to keep.

The output folder
-----------------
Every build folder holds a marker file, :data:`MARKER`.  A build refuses to
write into a folder that is not empty and is neither marked nor holds a
govlib ``manifest.json`` (a build from before the marker), so ``--out``
pointed at the wrong folder changes nothing.  Pruning removes only files the
folder's own manifest lists, only inside the folder (no ``..``, no symlink
leading out), and only the folders that its own deletions emptied.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from govlib.errors import GovlibError, ParameterError, display_path
from govlib.publish import cache
from govlib.publish.execute import EDITION_FILES, Job, edition_files
from govlib.publish.params import read_parameters, validate_parameter_set
from govlib.publish.slideplan import plan_path

__all__ = ["MARKER", "Plan", "select", "validate", "make_plan", "ensure_out", "prune", "safe_path",
           "is_current", "stamp", "unchanged", "check_tools", "check_register", "lock_out"]

#: the file that marks a folder as a govlib build
MARKER = ".govlib-build"


@dataclass
class Plan:
    """What a build will do."""

    to_run: list[Job] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    entries: dict[str, dict] = field(default_factory=dict)  # path -> entry kept from the last build
    job_hash: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict] = field(default_factory=dict)  # "lesson/set" -> every parameter's value
    old: list[dict] = field(default_factory=list)
    old_by_key: dict[tuple, list[dict]] = field(default_factory=dict)
    tree: str = ""


def select(syl, lessons: Iterable[str] | None) -> list:
    """The syllabus lessons to build (all, or those named, in syllabus order)."""
    all_ids = [les.id for les in syl.lessons]
    if not lessons:
        return list(syl.lessons)
    wanted = list(dict.fromkeys(lessons))
    unknown = [w for w in wanted if w not in all_ids]
    if unknown:
        raise GovlibError(f"{display_path(syl.path)}：课程大纲里没有课程编号 {'、'.join(unknown)}；"
                          f"大纲里的课程编号：{'、'.join(all_ids)}")
    return [les for les in syl.lessons if les.id in wanted]


def validate(syl, selected: list) -> list[tuple[Any, str, dict, Any]]:
    """Check every parameter set of *selected* against its notebook; ``(lesson, set, values, params)`` each.

    Raises
    ------
    ParameterError
        Listing every problem (nothing has been executed).
    """
    problems: list[str] = []
    items: list[tuple[Any, str, dict, Any]] = []
    parsed: dict[Path, Any] = {}
    for les in selected:
        nb_path = syl.notebook_path(les)
        try:
            if nb_path not in parsed:
                parsed[nb_path] = read_parameters(nb_path)
        except ParameterError as exc:
            problems.append(f"课程 {les.id}：{exc}")
            continue
        nbp = parsed[nb_path]
        for name in les.set_names():
            values, errs = validate_parameter_set(nbp, les.params[name], lesson=les.id, set_name=name)
            problems += errs
            items.append((les, name, values, nbp))
    if problems:
        raise ParameterError(f"{display_path(syl.path)}：参数集有 {len(problems)} 处问题（尚未运行任何笔记本）：\n"
                             + "\n".join(f"  - {p}" for p in problems))
    return items


def check_tools() -> None:
    """Fail before any kernel starts when a registered output needs a missing system tool."""
    from govlib.publish.browser import find_chromium
    from govlib.publish.outputs import OUTPUTS

    needed = {t for o in OUTPUTS.values() for t in o.tools}
    if "chromium" in needed:
        find_chromium()


def make_plan(syl, selected: list, items: list, out: Path, *, force: bool, tree: str) -> Plan:
    """Hash every lesson x set; keep what is current, queue the rest (longest first by last run)."""
    plan = Plan(tree=tree, old=cache.load_manifest(out))
    for e in plan.old:
        plan.old_by_key.setdefault((e.get("lesson"), e.get("params")), []).append(e)
    all_ids = {les.id for les in syl.lessons}
    selected_ids = {les.id for les in selected}
    # lessons outside a --lesson selection keep their entries
    for (lid, pname), es in plan.old_by_key.items():
        if lid in all_ids and lid not in selected_ids and pname in syl.lesson(lid).params:
            for e in es:
                plan.entries[e["path"]] = {**e, "status": "failed" if e.get("status") == "failed" else "carried",
                                           "seconds": 0.0}
    for les, name, values, nbp in items:
        deps = [syl.root / d for d in les.depends] + [plan_path(nbp.path)]  # the deck's slide plan
        h = cache.job_hash(notebook=nbp.path, lesson=les.id, title=les.title_zh, set_name=name,
                           values=values, tree=tree, depends=deps)
        key = f"{les.id}/{name}"
        plan.job_hash[key] = h
        resolved = {**nbp.defaults(), **values}
        plan.values[key] = resolved
        prev = plan.old_by_key.get((les.id, name), [])
        for rel in edition_files(les.id, name).values():
            safe_path(out, rel)
        if not force and is_current(out, prev, h, EDITION_FILES):
            for e in prev:
                if e["edition"] in EDITION_FILES:
                    plan.entries[e["path"]] = {**e, "status": "cached", "seconds": 0.0}
            plan.cached.append(key)
            continue
        plan.to_run.append(Job(
            lesson=les.id, set_name=name, notebook=str(nbp.path), values=values, input_hash=h, out=str(out),
            course_title=syl.title_zh, lesson_title=les.title_zh, params_source=nbp.source,
            extra={"objectives": list(les.objectives), "minutes": les.minutes, "resolved": resolved,
                   "description": les.description(name)}))
    est = {f"{e.get('lesson')}/{e.get('params')}": float(e.get("last_run_seconds") or 0) for e in plan.old}
    plan.to_run.sort(key=lambda j: -est.get(j.key, 1e9))
    return plan


# --------------------------------------------------------------------------- files


def safe_path(out: Path, rel: str) -> Path:
    """``out / rel``, refusing anything that would leave the output folder."""
    norm = os.path.normpath(rel)
    if os.path.isabs(norm) or norm == ".." or norm.startswith(".." + os.sep):
        raise GovlibError(f"拒绝写到输出文件夹之外：{rel}（构建清单里的路径不能离开输出文件夹）")
    return out / norm


def is_current(out: Path, entries: list[dict], input_hash: str, editions: Iterable[str]) -> bool:
    """Are all *editions* listed with *input_hash*, not failed, and unchanged on disk?"""
    have = {e["edition"]: e for e in entries}
    for ed in editions:
        e = have.get(ed)
        if not e or e.get("input_hash") != input_hash or e.get("status") == "failed":
            return False
        if not unchanged(out / e["path"], e):
            return False
    return True


def stamp(path: Path) -> dict:
    """Size and modification time, so an unchanged file need not be hashed again."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def unchanged(path: Path, entry: dict) -> bool:
    """Is *path* still the file *entry* describes?  (size+mtime like make/git, else sha256)."""
    try:
        st = path.stat()
    except OSError:
        return False
    if entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
        return True
    return cache.sha256_file(path) == entry.get("sha256")


def _is_govlib_manifest(path: Path) -> bool:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and str(doc.get("format", "")).startswith("govlib-build")


def check_register(data_dir: Path | None = None) -> None:
    """Validate the register of published figures (and the frameworks) as ``govlib data check`` does.

    Run before any kernel starts: a broken ``figures.csv`` (unknown source, bad qualifier, extra field,
    broken quoting, non-UTF-8 …) stops the build at once, with the file, row and field, instead of
    failing inside every lesson's kernel.

    Raises
    ------
    DataError
        The register or a framework file is invalid.
    """
    from govlib import paths
    from govlib.data import Register, load_framework

    data_dir = Path(data_dir) if data_dir is not None else paths.DATA
    reg = Register(data_dir)
    for p in sorted((data_dir / "frameworks").glob("*.yaml")):
        load_framework(p, register=reg)


def lock_out(out: Path):
    """Hold an exclusive lock on the output folder for one build; a second build into it is refused.

    Returns the open descriptor (the lock ends when it is closed, or when the process ends).

    Raises
    ------
    GovlibError
        Another build holds the folder.
    """
    import fcntl

    fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise GovlibError(f"{display_path(out)}：另一个构建正在写入这个文件夹，为免重复工作和互相覆盖，本次构建已停止；"
                          "请等它结束后再运行，或换一个 --out 文件夹。") from None
    return fd


def ensure_out(out: Path) -> None:
    """Create or accept the output folder; refuse a non-empty folder that is not a govlib build.

    Raises
    ------
    GovlibError
        *out* is a file, or a non-empty folder without the marker or a govlib manifest.
    """
    if out.exists() and not out.is_dir():
        raise GovlibError(f"{display_path(out)}：不是文件夹，无法写入课程")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()) \
            and not _is_govlib_manifest(out / "manifest.json"):
        raise GovlibError(
            f"{display_path(out)}：该文件夹不是空的，也不是 govlib 构建的课程文件夹，为免覆盖其中文件，已停止。"
            "什么也没有写入。请换一个空文件夹，或以前构建过的课程文件夹。")
    out.mkdir(parents=True, exist_ok=True)
    marker = out / MARKER
    if not marker.is_file():
        cache.atomic_write(marker, "govlib build folder: govlib may replace or delete the files its "
                                   "manifest.json lists, and nothing else.\n")
    gi = out / ".gitignore"
    if not gi.exists():
        cache.atomic_write(gi, "# generated by govlib build; the folder ignores itself\n*\n")


def prune(out: Path, old: list[dict], new: list[dict]) -> list[str]:
    """Delete files the last manifest listed and this build did not write; return their paths.

    Only regular files inside *out* (after resolving symlinks) are removed, and
    only the folders those deletions left empty.
    """
    keep = {e["path"] for e in new} | {"manifest.json", ".gitignore", MARKER}
    root = out.resolve()
    removed: list[str] = []
    emptied: set[Path] = set()
    for e in old:
        rel = e.get("path")
        if not isinstance(rel, str) or rel in keep:
            continue
        try:
            p = safe_path(out, rel)
        except GovlibError:
            continue
        try:
            real = p.resolve()
        except OSError:
            continue
        if root not in real.parents or p.is_symlink() or not p.is_file():
            continue
        p.unlink()
        removed.append(rel)
        emptied.add(p.parent)
    for folder in sorted(emptied, key=lambda d: -len(d.parts)):
        d = folder
        while d != out and out in d.parents:
            try:
                d.rmdir()  # only succeeds when empty
            except OSError:
                break
            d = d.parent
    return removed
