"""Input hashes, the manifest, and atomic writes.

A lesson x parameter set is re-executed only when its *input hash* changes.
The hash covers:

* the notebook file's bytes;
* the resolved parameter values, the lesson id and title and the set name;
* every file under the hash roots -- by default ``govlib/`` (code and
  templates), ``data/`` and ``constraints.txt`` (the locked dependency
  versions) -- path and content; ``__pycache__``, ``*.pyc`` and editor
  droppings are ignored;
* the files the lesson lists under ``depends`` in the syllabus;
* :data:`BUILD_FORMAT`, bumped when the output format changes.

The previous build's ``manifest.json`` records each artifact's input hash and
sha256.  A job is *cached* when every artifact it would write is listed with
the current input hash, exists, and still has the recorded sha256.

Every file the build writes goes to a temporary file in the same folder
(``.<name>.<pid>.govlib-tmp``) that is then renamed over the target, so a
reader -- or an interrupted build -- never sees half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from govlib.atomic import TMP_SUFFIX, atomic_write

__all__ = [
    "BUILD_FORMAT", "TMP_SUFFIX", "sha256_file", "sha256_bytes", "tree_hash", "job_hash",
    "atomic_write", "sweep_tmp", "load_manifest", "write_manifest",
]

#: bump to invalidate every cached output after a change of output format
BUILD_FORMAT = "govlib-build-1"

_IGNORED_DIRS = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
_IGNORED_SUFFIXES = (".pyc", ".pyo", "~", ".swp", TMP_SUFFIX)


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of *data*."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's content."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files(root: Path) -> Iterable[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _IGNORED_DIRS and not d.endswith(".egg-info"))
        for name in sorted(filenames):
            if name.endswith(_IGNORED_SUFFIXES) or name == ".DS_Store":
                continue
            yield Path(dirpath) / name


def tree_hash(roots: Iterable[str | Path]) -> str:
    """Hash the paths and contents of every file under *roots* (files or folders).

    A missing root hashes as "missing", so creating it later changes the hash.
    """
    h = hashlib.sha256()
    for root in roots:
        root = Path(root)
        h.update(f"root {root.name}\n".encode())
        if not root.exists():
            h.update(b"missing\n")
            continue
        for f in _files(root):
            rel = f.relative_to(root).as_posix() if f != root else root.name
            h.update(f"file {rel} {sha256_file(f)}\n".encode())
    return h.hexdigest()


def job_hash(*, notebook: Path, lesson: str, title: str, set_name: str, values: dict[str, Any],
             tree: str, depends: Iterable[Path] = ()) -> str:
    """The input hash of one lesson x parameter set (see the module docstring)."""
    record = {
        "format": BUILD_FORMAT,
        "lesson": lesson,
        "title": title,
        "set": set_name,
        "values": values,
        "notebook": sha256_file(notebook),
        "tree": tree,
        "depends": [[Path(d).name, sha256_file(d) if Path(d).is_file() else "missing"] for d in depends],
    }
    return sha256_bytes(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())


def sweep_tmp(out: str | Path) -> int:
    """Delete temporary files left under *out* by an interrupted build; return how many."""
    n = 0
    out = Path(out)
    if not out.is_dir():
        return 0
    for dirpath, _dirs, files in os.walk(out):
        for name in files:
            if name.endswith(TMP_SUFFIX):
                try:
                    os.unlink(os.path.join(dirpath, name))
                    n += 1
                except OSError:
                    pass
    return n


def load_manifest(out: str | Path) -> list[dict]:
    """The previous build's manifest entries (empty if missing or unreadable)."""
    try:
        data = json.loads((Path(out) / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    entries = data.get("artifacts") if isinstance(data, dict) else None
    return [e for e in entries or [] if isinstance(e, dict) and isinstance(e.get("path"), str)]


def write_manifest(out: str | Path, entries: list[dict], **header: Any) -> Path:
    """Write ``manifest.json``: a header and the entries sorted by path."""
    entries = sorted(entries, key=lambda e: e["path"])
    doc = {"format": BUILD_FORMAT, **header, "artifacts": entries}
    text = (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")
    path = Path(out) / "manifest.json"
    try:
        if path.read_bytes() == text:
            return path
    except OSError:
        pass
    return atomic_write(path, text)
