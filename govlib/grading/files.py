"""Find, read and recognise the files of a submissions folder (no kernel, no exercise bank).

- the student is the file name's stem (NFC-normalised);
- hidden files, Office lock files and system litter are skipped silently,
  sub-folders with a note;
- a file is classified as a notebook, empty, broken (JSON or notebook format
  damaged) or not a notebook at all (binary, plain text, another format);
- a notebook's lesson is read from ``metadata.govlib.lesson`` (written by
  the course build) or from its ``check("<lesson>-n", …)`` calls;
- the expressions an exercise's parameters are read from come from the
  keyword arguments of its ``check`` call.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from pathlib import Path

__all__ = ["MAX_BYTES", "IGNORED", "student_id", "find_submissions", "read_notebook", "code_sources",
           "detect_lesson", "check_params"]

#: files larger than this are not read
MAX_BYTES = 50 * 1024 * 1024
#: file names skipped silently (system litter)
IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}


def student_id(path: str | Path) -> str:
    """The student id of a submission: its file name without the last suffix."""
    return unicodedata.normalize("NFC", Path(path).stem).strip()


def find_submissions(folder: str | Path, *, exclude: Path | None = None) -> tuple[list[Path], list[str]]:
    """The files to grade in *folder* (not recursive), and notes on what was skipped.

    Hidden files, Office lock files (``~$…``) and system litter are skipped
    silently; sub-folders are skipped with a note (except *exclude*, the
    output folder, and ``.ipynb_checkpoints``).
    """
    folder = Path(folder)
    files: list[Path] = []
    notes: list[str] = []
    excl = exclude.resolve() if exclude is not None else None
    for p in sorted(folder.iterdir(), key=lambda q: q.name):
        if p.name.startswith((".", "~$")) or p.name in IGNORED:
            continue
        if p.is_dir():
            if excl is None or p.resolve() != excl:
                notes.append(f"跳过子文件夹 {p.name}/：只评分文件夹中直接存放的文件")
            continue
        if p.is_file():
            files.append(p)
    return files, notes


def read_notebook(path: str | Path):
    """Read a notebook file.

    Returns
    -------
    (notebook or None, status, message)
        The notebook (nbformat v4) and ``"ok"``, or None with ``"empty"``,
        ``"broken"`` or ``"not-notebook"`` and a message in Chinese.
    """
    import warnings

    import nbformat

    path = Path(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, "not-notebook", f"文件过大（{size // 1048576} MB），不是作业笔记本"
    raw = path.read_bytes()
    if not raw.strip():
        return None, "empty", "文件为空（0 字节）" if not raw else "文件只有空白"
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, "not-notebook", "不是笔记本：文件不是 UTF-8 文本（可能是图片、PDF 或 Office 文档）"
    if not text.lstrip().startswith("{"):
        return None, "not-notebook", "不是笔记本：内容不是 Jupyter 笔记本的 JSON 格式"
    try:
        data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError
        where = f"第{exc.lineno}行第{exc.colno}列：{exc.msg}" if hasattr(exc, "lineno") else str(exc)[:120]
        return None, "broken", f"文件损坏：JSON 无法解析（{where}）"
    if not isinstance(data, dict) or "cells" not in data or "nbformat" not in data:
        return None, "broken", "文件损坏：JSON 中没有笔记本的 cells/nbformat 字段"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds
        msg = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
        return None, "broken", f"文件损坏：不是有效的笔记本（{msg}）"
    return nb, "ok", ""


_CHECK_ID = re.compile(r"""\bcheck\(\s*["']([a-z0-9]+(?:-[a-z0-9]+)*-\d+)["']""")


def code_sources(nb) -> list[str]:
    """The source of every code cell, in order."""
    out = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            out.append("".join(src) if isinstance(src, list) else str(src))
    return out


def detect_lesson(nb) -> tuple[set[str], str]:
    """The lessons a notebook belongs to, and how they were found.

    Returns
    -------
    (set of str, str)
        Lesson ids and ``"metadata"`` (from ``metadata.govlib.lesson``),
        ``"check"`` (from ``check("<lesson>-n", …)`` calls) or ``""``.
    """
    meta = nb.get("metadata", {}).get("govlib")
    if isinstance(meta, dict) and isinstance(meta.get("lesson"), str) and meta["lesson"]:
        return {meta["lesson"]}, "metadata"
    ids = [m for src in code_sources(nb) for m in _CHECK_ID.findall(src)]
    if ids:
        return {i.rsplit("-", 1)[0] for i in ids}, "check"
    return set(), ""


def _parse_code(src: str):
    """Parse a code cell, blanking IPython magics and shell escapes."""
    lines = [("pass" if ln.lstrip().startswith(("%", "!")) else ln) for ln in src.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def check_params(nb, spec) -> dict[str, dict[str, str]]:
    """The expression each exercise's parameters are read from.

    *spec* is a :class:`govlib.grading.collect.Spec` (only its ``params``,
    exercise id -> parameter names, is used).

    The keyword arguments of the first ``check("<id>", …, n=expr)`` call for
    each exercise give the expressions (``check("x-3", ans, n=n_per_group)``
    reads ``n_per_group``); a parameter not passed there is read from the
    variable of its own name.

    Returns
    -------
    dict
        Exercise id -> parameter -> Python expression (source text).
    """
    found: dict[str, dict[str, str]] = {}
    for src in code_sources(nb):
        if "check" not in src:
            continue
        tree = _parse_code(src)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name != "check" or not node.args:
                continue
            a0 = node.args[0]
            if not (isinstance(a0, ast.Constant) and isinstance(a0.value, str)):
                continue
            ex_id = a0.value
            if ex_id not in spec.params or ex_id in found:
                continue
            found[ex_id] = {kw.arg: ast.unparse(kw.value) for kw in node.keywords
                            if kw.arg in spec.params[ex_id]}
    return {ex_id: {p: found.get(ex_id, {}).get(p, p) for p in names}
            for ex_id, names in spec.params.items()}
