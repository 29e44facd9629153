"""govlib.atomic: whole files or nothing."""

from __future__ import annotations

import pytest

from govlib.atomic import atomic_write


def test_atomic_write_replaces_whole_files(tmp_path):
    p = tmp_path / "sub" / "a.txt"
    atomic_write(p, "一")
    assert p.read_text(encoding="utf-8") == "一"
    atomic_write(p, b"two")
    assert p.read_bytes() == b"two" and [q.name for q in p.parent.iterdir()] == ["a.txt"]


def test_a_failed_write_keeps_the_old_content_and_leaves_no_temporary_file(tmp_path):
    p = tmp_path / "a.txt"
    atomic_write(p, "old")
    with pytest.raises(TypeError):
        atomic_write(p, 42)  # not bytes or str
    assert p.read_text() == "old" and [q.name for q in tmp_path.iterdir()] == ["a.txt"]


def test_mode_is_set_whatever_the_umask(tmp_path):
    import os

    old = os.umask(0o077)
    try:
        p = atomic_write(tmp_path / "a.png", b"x", mode=0o644)
    finally:
        os.umask(old)
    assert p.stat().st_mode & 0o777 == 0o644
