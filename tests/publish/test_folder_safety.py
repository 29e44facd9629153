"""``govlib build --out``: a marker file, refusal of foreign folders, pruning only its own files (issue 13)."""

from __future__ import annotations

import json

import pytest

from govlib.errors import GovlibError
from govlib.publish.plan import MARKER, ensure_out, prune


def test_empty_or_new_folder_is_marked(tmp_path):
    out = tmp_path / "new"
    ensure_out(out)
    assert (out / MARKER).is_file() and (out / ".gitignore").is_file()
    ensure_out(out)  # a marked folder is accepted again


def test_foreign_non_empty_folder_is_refused_and_untouched(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "index.html").write_text("my own page", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"artifacts": [{"path": "index.html"}]}), encoding="utf-8")
    (out / "empty").mkdir()
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*"))
    with pytest.raises(GovlibError) as info:
        ensure_out(out)
    assert "mine" in str(info.value) and "不是 govlib 构建" in str(info.value) and "什么也没有写入" in str(info.value)
    assert not any("a" <= ch <= "z" for ch in str(info.value).split("mine", 1)[1].replace("govlib", ""))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == before
    assert (out / "index.html").read_text(encoding="utf-8") == "my own page"


def test_a_file_is_refused(tmp_path):
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(GovlibError):
        ensure_out(f)


def test_prune_removes_only_listed_files_inside_and_only_folders_it_emptied(tmp_path):
    out = tmp_path / "out"
    ensure_out(out)
    (out / "lessons" / "a" / "x").mkdir(parents=True)
    (out / "lessons" / "a" / "x" / "old.html").write_text("old", encoding="utf-8")
    (out / "lessons" / "b").mkdir(parents=True)  # an empty folder nobody listed: kept
    (out / "notes.txt").write_text("the user's own file", encoding="utf-8")  # not listed: kept
    outside = tmp_path / "outside.txt"
    outside.write_text("precious", encoding="utf-8")
    (out / "link.html").symlink_to(outside)
    old = [{"path": "lessons/a/x/old.html"}, {"path": "../outside.txt"}, {"path": "link.html"},
           {"path": "/etc/hostname"}, {"path": "kept.html"}]
    (out / "kept.html").write_text("new", encoding="utf-8")
    removed = prune(out, old, [{"path": "kept.html"}])
    assert removed == ["lessons/a/x/old.html"]
    assert not (out / "lessons" / "a").exists()  # emptied by the deletion
    assert (out / "lessons" / "b").is_dir() and (out / "notes.txt").is_file()
    assert outside.read_text(encoding="utf-8") == "precious" and (out / "link.html").is_symlink()
    assert (out / "kept.html").is_file() and (out / MARKER).is_file()


def test_cli_refuses_a_foreign_folder(tmp_path):
    from typer.testing import CliRunner

    from govlib.cli import app

    out = tmp_path / "docs"
    out.mkdir()
    (out / "index.html").write_text("mine", encoding="utf-8")
    res = CliRunner().invoke(app, ["build", "--out", str(out), "--lesson", "intro"])
    assert res.exit_code == 2
    assert "docs" in res.output and "不是 govlib 构建" in res.output
    assert (out / "index.html").read_text(encoding="utf-8") == "mine"
    assert not (out / MARKER).exists()


def test_missing_chromium_stops_the_build_before_any_kernel(built_copy, monkeypatch):
    import govlib.publish.runner as runner
    from govlib.publish.browser import ToolMissingError

    def no_kernels(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel pool was started")

    monkeypatch.setattr(runner, "run_pool", no_kernels)
    monkeypatch.setenv("GOVLIB_CHROMIUM", "no-such-chromium-here")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolMissingError) as info:
        built_copy.build(force=True)
    msg = str(info.value)
    assert "缺少 Chromium" in msg and "Chromium (no-such-chromium-here) is missing" in msg
    assert ".ci/system-packages" in msg


def test_hub_links_on_the_index(built_copy):
    report = built_copy.build(hub={"url": "https://hub.example.edu.cn", "repo": "https://git.example.edu.cn/course.git"})
    assert report.ok
    index = (built_copy.out / "index.html").read_text(encoding="utf-8")
    assert "在 JupyterHub 中打开本课" in index
    assert ("https://hub.example.edu.cn/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgit.example.edu.cn%2Fcourse.git"
            "&amp;branch=main&amp;urlpath=lab%2Ftree%2Fcourse%2Fnotebooks%2F") in index


def test_hub_named_in_the_syllabus_links_the_index(built_copy):
    data = built_copy.syllabus_data()
    data["hub"] = {"url": "https://hub.example.edu.cn", "repo": "https://git.example.edu.cn/course.git",
                   "branch": "spring"}
    built_copy.write_syllabus(data)
    assert built_copy.build().ok
    index = (built_copy.out / "index.html").read_text(encoding="utf-8")
    assert "git-pull?repo=https%3A%2F%2Fgit.example.edu.cn%2Fcourse.git&amp;branch=spring" in index
