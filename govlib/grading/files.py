"""Find, read and recognise the files of a submissions folder (no kernel, no exercise bank).

- the student is the file name's stem, NFKC-normalised (so a full-width
  ``ｚｈａｎｇ`` is the twin of ``zhang``) with control, format and
  bidirectional characters shown as visible escapes (:func:`display_name`);
  a name that is only blanks is named after the whole file name;
- every entry of the folder is listed (:func:`scan_folder`): regular files
  are graded; hidden files, sub-folders, symbolic links (never followed,
  wherever they point) and FIFOs, sockets or devices are reported, never
  opened;
- a file is opened without following links or blocking
  (:func:`read_bytes_safely`), its encoding detected and named
  (:func:`decode_text`: UTF-8, UTF-16/32, GB18030), an nbformat 3 notebook
  upgraded; it is classified as a notebook, empty, broken (JSON or notebook
  format damaged) or not a notebook at all (binary, plain text, another format);
- a notebook's lesson is read from ``metadata.govlib.lesson`` (written by
  the course build) or from its ``check("<lesson>-n", …)`` calls;
- the expressions an exercise's parameters are read from come from the
  keyword arguments of its ``check`` call.
"""

from __future__ import annotations

import ast
import codecs
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_BYTES", "MAX_META_DEPTH", "IGNORED", "Entry", "display_name", "printable", "student_id", "scan_folder", "find_submissions",
           "read_bytes_safely", "decode_text", "read_notebook", "code_sources", "detect_lesson", "check_params",
           "assigned_literals"]

#: files larger than this are not read
MAX_BYTES = 50 * 1024 * 1024
#: file names skipped silently (system litter)
IGNORED = {".DS_Store", "Thumbs.db", "desktop.ini"}


#: metadata values nested deeper than this are dropped (nbformat recurses over them)
MAX_META_DEPTH = 64


def display_name(name: str) -> str:
    r"""*name* safe to print on a terminal or in a report: every control, format, bidirectional,
    separator or unassigned character (ESC, NUL, U+202E …) becomes a visible ``\x1b``/``\u202e`` escape
    (and a backslash is doubled, so an escape cannot be faked).

    Examples
    --------
    >>> print(display_name("a\x1b[31mb\u202ec\x00.ipynb"))
    a\x1b[31mb\u202ec\x00.ipynb
    """
    out = []
    for ch in str(name):
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or ch == "\\":
            code = ord(ch)
            out.append("\\\\" if ch == "\\" else f"\\x{code:02x}" if code < 0x100 else
                       f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def printable(text: str) -> str:
    r"""*text* for a report cell: like :func:`display_name`, but line breaks and tabs are kept and
    backslashes are left alone (answers may contain them); ESC, NUL, bidirectional marks become escapes.

    Examples
    --------
    >>> print(printable("第一行\n\x1b[31m红\u202e"))
    第一行
    \x1b[31m红\u202e
    """
    if text.isprintable():
        return text
    return "".join(ch if ch in "\n\t" else display_name(ch) if ch != "\\" else ch for ch in text)


def student_id(path: str | Path) -> str:
    """The student id of a submission: its file name without the last suffix, NFKC-normalised and
    made printable (:func:`display_name`); a stem of blanks only gives 「（无名：<file name>）」."""
    p = Path(path)
    stem = display_name(unicodedata.normalize("NFKC", p.stem)).strip()
    return stem or f"（无名：{display_name(p.name)!r}）"


@dataclass(frozen=True)
class Entry:
    """One entry of the submissions folder.

    Attributes
    ----------
    path : Path
        The entry (never followed if it is a symbolic link).
    kind : str
        ``file`` (a regular file, to grade), ``hidden`` (hidden file or
        system litter), ``folder``, ``symlink`` (never followed), or
        ``special`` (FIFO, socket, device).
    note : str
        Why it is not graded (Chinese), "" for files to grade.
    """

    path: Path
    kind: str
    note: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def scan_folder(folder: str | Path, *, exclude: Path | None = None) -> list[Entry]:
    """Every entry of *folder* (not recursive), classified without following links or opening files.

    Regular files are to be graded; hidden files, Office lock files (``~$…``)
    and system litter, sub-folders, symbolic links (wherever they point:
    never followed) and FIFOs, sockets or devices are listed with a note.
    *exclude* (an output folder, never inside the submissions) is skipped.
    """
    folder = Path(folder)
    out: list[Entry] = []
    excl = exclude.resolve() if exclude is not None else None
    with os.scandir(folder) as it:
        items = sorted(it, key=lambda e: e.name)
    for e in items:
        p = Path(e.path)
        try:
            st = os.lstat(p)
        except OSError:
            out.append(Entry(p, "special", "无法读取此条目"))
            continue
        if stat.S_ISLNK(st.st_mode):
            try:
                target = os.readlink(p)
            except OSError:
                target = "?"
            dangling = not os.path.exists(p)
            out.append(Entry(p, "symlink", f"符号链接（指向 {display_name(target)}{'，目标不存在' if dangling else ''}）："
                                           "为防止读取文件夹以外的文件，符号链接一律不跟随、不评分"))
        elif stat.S_ISDIR(st.st_mode):
            if e.name == ".ipynb_checkpoints" or (excl is not None and p.resolve() == excl):
                continue
            out.append(Entry(p, "folder", f"子文件夹 {display_name(e.name)}/：只评分文件夹中直接存放的文件"))
        elif not stat.S_ISREG(st.st_mode):
            what = ("命名管道（FIFO）" if stat.S_ISFIFO(st.st_mode) else "套接字" if stat.S_ISSOCK(st.st_mode)
                    else "设备文件")
            out.append(Entry(p, "special", f"{what}：不是普通文件，未打开、未评分"))
        elif e.name.startswith((".", "~$")) or e.name in IGNORED:
            out.append(Entry(p, "hidden", "隐藏文件或系统文件：未评分"))
        else:
            out.append(Entry(p, "file"))
    return out


def find_submissions(folder: str | Path, *, exclude: Path | None = None) -> tuple[list[Path], list[str]]:
    """The files to grade in *folder*, and notes on the other entries (see :func:`scan_folder`)."""
    entries = scan_folder(folder, exclude=exclude)
    return ([e.path for e in entries if e.kind == "file"],
            [f"{display_name(e.name)}：{e.note}" for e in entries if e.kind in ("folder", "symlink", "special")])


def read_bytes_safely(path: str | Path, limit: int = MAX_BYTES) -> bytes:
    """A regular file's bytes, opened without following a link or blocking on a FIFO.

    Raises
    ------
    OSError
        If it is not a regular file (any more) or cannot be read.
    ValueError
        If it is larger than *limit*.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{path}: not a regular file")
        if st.st_size > limit:
            raise ValueError(f"{st.st_size // 1048576} MB")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"{len(data) // 1048576} MB")
    return data


_BOMS = [(codecs.BOM_UTF32_LE, "utf-32", "UTF-32（带 BOM）"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32（带 BOM）"),
         (codecs.BOM_UTF8, "utf-8-sig", "UTF-8（带 BOM）"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16（带 BOM）"),
         (codecs.BOM_UTF16_BE, "utf-16", "UTF-16（带 BOM）")]


def decode_text(raw: bytes) -> tuple[str | None, str]:
    """Decode a notebook file's bytes, detecting its encoding.

    Tries a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without a mark
    (when every other byte of the start is zero), UTF-8, then GB18030 (the
    Chinese Windows encoding) when the text then starts like JSON.

    Returns
    -------
    (str or None, str)
        The text and the encoding's name in Chinese ("" for plain UTF-8), or
        None and "" when no encoding fits.
    """
    for bom, codec, name in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), name
            except UnicodeDecodeError:
                return None, ""
    head = raw[:64]
    if len(head) >= 4 and head[1::2].count(0) >= len(head) // 2 - 1 and head[0::2].count(0) == 0:
        codec, name = "utf-16-le", "UTF-16 LE（无 BOM）"
    elif len(head) >= 4 and head[0::2].count(0) >= len(head) // 2 - 1 and head[1::2].count(0) == 0:
        codec, name = "utf-16-be", "UTF-16 BE（无 BOM）"
    else:
        codec, name = None, ""
    if codec:
        try:
            return raw.decode(codec), name
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few stray bytes (one Latin-1 "é" typed into an honest notebook): read it, say so
    text = raw.decode("utf-8", "replace")
    bad = text.count("\ufffd") - raw.decode("utf-8", "ignore").count("\ufffd")
    if 0 < bad <= max(8, len(raw) // 10000) and text.lstrip().startswith("{"):
        return text, f"UTF-8（有 {bad} 处字节不是 UTF-8，已替换为 �）"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None, ""
    return (text, "GB18030/GBK") if text.lstrip().startswith("{") else (None, "")


def _depth(value, limit: int) -> int:
    """Nesting depth of a JSON value, counted without recursion, stopping past *limit*."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (dict, list)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            stack.extend((c, d + 1) for c in (v.values() if isinstance(v, dict) else v))
    return deepest


def _prune_metadata(data: dict) -> list[str]:
    """Drop metadata values nested deeper than :data:`MAX_META_DEPTH` (nbformat cannot read them);
    the dropped keys, as ``where.key``."""
    dropped = []
    holders = [("笔记本", data.get("metadata"))]
    holders += [(f"第{i + 1}个单元", c.get("metadata")) for i, c in enumerate(data.get("cells") or [])
                if isinstance(c, dict)]
    for where, meta in holders:
        if not isinstance(meta, dict):
            continue
        for key in list(meta):
            if _depth(meta[key], MAX_META_DEPTH) > MAX_META_DEPTH:
                del meta[key]
                dropped.append(f"{where}.{display_name(str(key))[:40]}")
    return dropped


def read_notebook(path: str | Path):
    """Read a notebook file (a regular file; links are never followed).

    Returns
    -------
    (notebook or None, status, message)
        The notebook (upgraded to nbformat v4) and ``"ok"`` with a note on a
        detected encoding or an upgraded format (or ""), or None with
        ``"empty"``, ``"broken"`` or ``"not-notebook"`` and a message in
        Chinese.
    """
    import warnings

    import nbformat

    try:
        raw = read_bytes_safely(path)
    except ValueError as exc:
        return None, "not-notebook", f"文件过大（{exc}），不是作业笔记本"
    except OSError:
        return None, "not-notebook", "无法作为普通文件读取"
    if not raw.strip():
        return None, "empty", "文件为空（0 字节）" if not raw else "文件只有空白"
    text, enc = decode_text(raw)
    if text is None:
        return None, "not-notebook", "不是笔记本：无法识别文件的文字编码（可能是图片、PDF 或 Office 文档）"
    notes = [f"文件编码为 {enc}，已按此读取"] if enc else []
    if not text.lstrip().startswith("{"):
        return None, "not-notebook", "不是笔记本：内容不是 Jupyter 笔记本的 JSON 格式"
    try:
        data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError
        where = f"（第{exc.lineno}行第{exc.colno}列）" if hasattr(exc, "lineno") else ""
        return None, "broken", f"文件损坏：JSON 无法解析{where}"
    except RecursionError:
        return None, "broken", "文件损坏：JSON 嵌套过深"
    if not isinstance(data, dict) or "nbformat" not in data or ("cells" not in data and "worksheets" not in data):
        return None, "broken", "文件损坏：JSON 中没有笔记本的 cells/nbformat 字段"
    version = data.get("nbformat")
    if version not in (3, 4):
        return None, "broken", f"文件损坏：不支持的笔记本格式版本（nbformat {str(version)[:10]}）"
    dropped = _prune_metadata(data)
    if dropped:
        text = json.dumps(data, ensure_ascii=False)
        notes.append(f"元数据嵌套过深（超过 {MAX_META_DEPTH} 层），已忽略：{'、'.join(dropped[:5])}"
                     + ("……" if len(dropped) > 5 else ""))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
            nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds
        path = "/".join(str(p) for p in getattr(exc, "absolute_path", []) or [])
        return None, "broken", f"文件损坏：笔记本结构不符合 Jupyter 格式{f'（位置 {path}）' if path else ''}"
    if version == 3:
        notes.append("旧版笔记本格式（nbformat 3），已自动升级为第 4 版后评分")
    return nb, "ok", "；".join(notes)


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


def _check_calls(nb):
    """Every ``check("<id>", …)`` call in the code cells, in order: (exercise id, its ``ast.Call``)."""
    for src in code_sources(nb):
        if "check" not in src:
            continue
        tree = _parse_code(src)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            a0 = node.args[0]
            if name == "check" and isinstance(a0, ast.Constant) and isinstance(a0.value, str):
                yield a0.value, node


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
    for ex_id, node in _check_calls(nb):
        if ex_id in spec.params and ex_id not in found:
            found[ex_id] = {kw.arg: ast.unparse(kw.value) for kw in node.keywords
                            if kw.arg in spec.params[ex_id]}
    return {ex_id: {p: found.get(ex_id, {}).get(p, p) for p in names}
            for ex_id, names in spec.params.items()}


def check_calls(nb) -> list[tuple[str, str, str]]:
    """Every keyword argument of every ``check("<id>", …, name=expr)`` call: (exercise id, name, expression)."""
    return [(ex_id, kw.arg, ast.unparse(kw.value)[:200]) for ex_id, node in _check_calls(nb)
            for kw in node.keywords if kw.arg]


def assigned_literals(nb, names) -> list[tuple[str, str]]:
    """Top-level assignments to *names* in the code cells: (name, source of the assigned value), in order."""
    names = set(names)
    out: list[tuple[str, str]] = []
    for src in code_sources(nb):
        tree = _parse_code(src)
        if tree is None:
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None else []
            for t in targets:
                if isinstance(t, ast.Name) and t.id in names:
                    prefix = "" if not isinstance(node, ast.AugAssign) else f"{t.id} {type(node.op).__name__} "
                    out.append((t.id, prefix + ast.unparse(node.value)[:200]))
    return out
