"""Shared test set-up: a seeded generator, headless matplotlib, figures closed after each test."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

os.environ.setdefault("MPLBACKEND", "Agg")

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"


def proc_files(name: str) -> dict[int, bytes]:
    """``/proc/<pid>/<name>`` of every process we may read (processes that end meanwhile are skipped)."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                out[int(d)] = Path("/proc", d, name).read_bytes()
            except OSError:
                continue
    return out


def live_children(pid: int) -> set[str]:
    """``"<pid> (<name>"`` of the live (not zombie) child processes of *pid*."""
    out = set()
    for child, stat_bytes in proc_files("stat").items():
        text = stat_bytes.decode(errors="replace")
        fields = text.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.add(text.split(")")[0])
    return out


@pytest.fixture
def rng():
    import numpy as np

    return np.random.default_rng(20240601)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture
def good_data(tmp_path) -> Path:
    """A copy of the small synthetic register in tests/data/good."""
    import shutil

    dst = tmp_path / "data"
    shutil.copytree(DATA / "good", dst)
    return dst


@pytest.fixture
def register():
    """The project's real register (validated on load)."""
    from govlib.data import load_register

    return load_register()


@pytest.fixture
def demo(monkeypatch):
    """Register the fixture lesson ``demo`` here and in every kernel a grader starts; remove it after."""
    import importlib
    import sys

    from govlib.exercises import core

    grading = DATA / "grading"
    monkeypatch.syspath_prepend(str(grading))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(grading), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv(core.BANKS_ENV, "govlib_demo_bank")
    importlib.import_module("govlib_demo_bank")
    yield
    for k in [k for k, e in core._REGISTRY.items() if e.lesson == "demo"]:
        del core._REGISTRY[k]
    sys.modules.pop("govlib_demo_bank", None)


# --------------------------------------------------------------------------- fixture courses
# Tiny courses copied to temporary folders (tests/data/course_fixture).  Their notebooks import
# nothing heavy, so each kernel starts and finishes in about a second.  A fixture course has the
# layout of the repository: course/course.yml, notebooks/, and its own hash roots pkg/, data/ and
# constraints.txt standing in for govlib/, data/ and the lock file.  Tests never touch course/_build.
FIXTURES = DATA / "course_fixture"


def fake_cite(fig_id: str) -> str:
    """Citation stand-in for fixture figures (they are not in the register)."""
    return f"测试引文《{fig_id}》，第1页"


@dataclass
class Course:
    """A fixture course in a temporary folder."""

    root: Path

    @property
    def syllabus(self) -> Path:
        return self.root / "course" / "course.yml"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def hash_paths(self) -> list[Path]:
        return [self.root / "pkg", self.root / "data", self.root / "constraints.txt"]

    def notebook(self, name: str) -> Path:
        return self.root / "notebooks" / name

    def build(self, **kw):
        """Run the build quietly; the report gets the printed text as ``.text``."""
        from rich.console import Console

        from govlib.publish import run_build

        buf = io.StringIO()
        kw.setdefault("out", self.out)
        kw.setdefault("quiet", True)
        kw.setdefault("jobs", 2)
        report = run_build(syllabus=self.syllabus, hash_paths=self.hash_paths, cite=fake_cite,
                           console=Console(file=buf, width=200, highlight=False), **kw)
        report.text = buf.getvalue()
        return report

    def syllabus_data(self) -> dict:
        return yaml.safe_load(self.syllabus.read_text(encoding="utf-8"))

    def write_syllabus(self, data: dict) -> None:
        self.syllabus.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def add_lesson(self, lesson_id: str, notebook: str, params: dict | None = None, **extra) -> None:
        data = self.syllabus_data()
        data["lessons"].append({"id": lesson_id, "title_zh": f"课 {lesson_id}", "notebook": f"notebooks/{notebook}",
                                "objectives": ["测试"], "minutes": 10, "params": params or {"default": {}}, **extra})
        self.write_syllabus(data)

    def keep_only(self, *ids: str) -> None:
        data = self.syllabus_data()
        data["lessons"] = [les for les in data["lessons"] if les["id"] in ids]
        self.write_syllabus(data)


def make_course(dest: Path) -> Course:
    """Copy the fixture course to *dest*, with stand-in hash roots."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(FIXTURES / "course", dest / "course")
    shutil.copytree(FIXTURES / "notebooks", dest / "notebooks")
    (dest / "pkg").mkdir()
    (dest / "pkg" / "code.py").write_text("VERSION = 1\n")
    (dest / "data").mkdir()
    (dest / "data" / "figures.csv").write_text("id,value\nqz-test-one,60\n")
    (dest / "constraints.txt").write_text("pandas==2.2.3\n")
    return Course(dest)


def copy_course(src: Course, dest: Path) -> Course:
    """Copy a (built) course, outputs included; caches stay valid (hashes use no absolute paths)."""
    shutil.copytree(src.root, dest)
    return Course(dest)


@pytest.fixture
def course(tmp_path) -> Course:
    """A fresh, unbuilt fixture course (lessons alpha and beta)."""
    return make_course(tmp_path / "course-root")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Course:
    """The fixture course built once per test session (treat as read-only; copy to change)."""
    c = make_course(tmp_path_factory.mktemp("built") / "root")
    report = c.build()
    assert report.ok, report.text
    return c


@pytest.fixture
def built_copy(built, tmp_path) -> Course:
    """A private copy of the built fixture course, free to change."""
    return copy_course(built, tmp_path / "copy")


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))
