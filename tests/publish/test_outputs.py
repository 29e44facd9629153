"""What one build writes: every edition, the index, the manifest; offline; escaped; editions really differ."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from govlib.publish.editions import external_resources
from govlib.publish.outputs import OUTPUTS
from govlib.publish.runner import INDEX_FILES
from govlib.publish.plan import MARKER

from conftest import html_files

pytestmark = pytest.mark.slow

SETS = {("alpha", "default"), ("alpha", "big"), ("beta", "default")}
#: every registered output (the registry is the one list of what a build writes)
EDITIONS = [o.filename for o in OUTPUTS.values()]


def _read(p):
    return p.read_text(encoding="utf-8")


def test_layout(built):
    out = built.out
    assert _read(out / ".gitignore").splitlines()[-1] == "*"
    for lesson, name in SETS:
        for ed in EDITIONS:
            assert (out / "lessons" / lesson / name / ed).is_file(), (lesson, name, ed)
    for page in ("index", "glossary", "references"):
        assert (out / f"{page}.html").is_file() and (out / f"{page}.zh-Hant.html").is_file(), page
    assert not list(out.rglob("*.govlib-tmp"))
    assert not (out / "_failed").exists()


def test_manifest_lists_every_artifact(built):
    doc = json.loads(_read(built.out / "manifest.json"))
    arts = doc["artifacts"]
    assert [a["path"] for a in arts] == sorted(a["path"] for a in arts)
    on_disk = {p.relative_to(built.out).as_posix() for p in built.out.rglob("*") if p.is_file()}
    assert {a["path"] for a in arts} == on_disk - {"manifest.json", ".gitignore", MARKER}
    from govlib.publish.cache import sha256_file

    for a in arts:
        assert set(a) >= {"lesson", "params", "edition", "path", "sha256", "input_hash", "status", "seconds"}
        assert a["sha256"] == sha256_file(built.out / a["path"])
        assert a["status"] == "executed"
    alpha = next(a for a in arts if a["path"] == "lessons/alpha/big/instructor.html")
    assert alpha["figures"] == ["qz-test-one", "xm-test-two"]
    assert alpha["lesson"] == "alpha" and alpha["params"] == "big" and alpha["edition"] == "instructor"


def test_student_edition_removes_solutions_and_notes(built):
    d = built.out / "lessons" / "alpha" / "big"
    instructor, student = _read(d / "instructor.html"), _read(d / "student.html")
    for marker in ("SOLUTION-MARKER-42", "参考解答", "INSTRUCTOR-NOTE-MARKER", "讨论十分钟"):
        assert marker in instructor
        assert marker not in student, marker
    assert marker not in _read(d / "student.ipynb")
    # exercise: source kept, output cleared (its output text only appears in the instructor edition)
    assert "EXERCISE-OUTPUT-MARKER" in student
    assert "<pre>EXERCISE-OUTPUT-MARKER" in instructor and "<pre>EXERCISE-OUTPUT-MARKER" not in student
    # remove-input: code hidden in both, output shown in both
    for page in (instructor, student):
        assert "HIDDEN_CODE_MARKER" not in page
        assert "图表已显示" in page
        assert "data:image/png;base64," in page


def test_student_notebook_is_unexecuted_with_set_values(built):
    nb = nbformat.read(built.out / "lessons" / "alpha" / "big" / "student.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    tags = [t for c in nb.cells for t in c.metadata.get("tags", [])]
    assert "solution" not in tags and "instructor" not in tags and "injected-parameters" not in tags
    assert "exercise" in tags
    params = next(c for c in code if "parameters" in c.metadata.get("tags", []))
    assert params.source.splitlines()[:3] == ['n: int = 40  # 样本量 [1, 100]', 'label: str = "乙"  # 标签 {"甲", "乙"}',
                                              "ratio: float = 1.0  # 比例 [0, 1]"]
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "papermill" not in json.dumps(nb)


def test_every_page_is_offline_and_self_contained(built):
    pages = html_files(built.out)
    html_outputs = [o for o in OUTPUTS.values() if o.is_html]
    assert len(pages) == len(INDEX_FILES) + len(html_outputs) * len(SETS)
    scripted = {o.filename for o in html_outputs if o.audience == "class"}  # the reveal.js deck
    for page in pages:
        text = _read(page)
        if page.name in scripted:
            # inline scripts only (vendored reveal.js), nothing fetched
            assert not re.search(r"<script[^>]+src=", text), page
            text = re.sub(r"<script>.*?</script>", "", text, flags=re.S)
        assert external_resources(text) == [], page
        assert "<script" not in text.lower(), page  # no JavaScript on lesson pages


def test_external_resource_scanner_catches_the_usual_suspects():
    bad = ['<script src="https://cdn.jsdelivr.net/x.js"></script>',
           '<link rel="stylesheet" href="//fonts.googleapis.com/css">',
           '<img src="figure.png">',
           '<style>@import url("https://x/y.css");</style>',
           '<style>body{background:url(http://x/y.png)}</style>',
           '<div style="background:url(\'https://x/y.png\')"></div>',
           '<img srcset="a.png 1x, data:image/png;base64,AA 2x">',
           '<iframe src="https://www.youtube.com/embed/x"></iframe>']
    for b in bad:
        assert external_resources(b), b
    good = ['<a href="https://example.org/">link</a>', '<img src="data:image/png;base64,AAAA">',
            '<style>.x{background:url(data:image/svg+xml;base64,AA)}</style>', '<a href="#cell-1">x</a>']
    for g in good:
        assert external_resources(g) == [], g


def test_syllabus_text_is_escaped(built):
    index = _read(built.out / "index.html")
    assert "<script>alert(1)</script>" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<b>不是粗体</b>" not in index and "&lt;b&gt;不是粗体&lt;/b&gt;" in index
    page = _read(built.out / "lessons" / "alpha" / "big" / "instructor.html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "理解参数 &amp; 版本" in index


def test_index_links_objectives_minutes_and_cited_figures(built):
    index = _read(built.out / "index.html")
    for lesson, name in SETS:
        for ed in ("instructor.html", "student.html", "student.zh-Hant.html", "instructor.zh-Hant.html",
                   "student.ipynb"):
            href = f"lessons/{lesson}/{name}/{ed}"
            assert f'href="{href}"' in index, href
            assert (built.out / href).is_file()
    assert "30 分钟" in index and "15 分钟" in index
    assert "随机种子" in index
    assert "测试引文《qz-test-one》，第1页" in index and "测试引文《xm-test-two》，第1页" in index
    import html

    assert 'n = 40' in index and 'label = "乙"' in html.unescape(index)


def test_traditional_copies(built):
    d = built.out / "lessons" / "alpha" / "big"
    simp, trad = _read(d / "student.html"), _read(d / "student.zh-Hant.html")
    assert '<html lang="zh-Hant">' in trad and '<html lang="zh-Hans">' in simp
    assert "本课测试中文正文与社区治理" in simp
    assert "本課測試中文正文與社區治理" in trad
    # ASCII (markup, code, base64) untouched: removing non-ASCII leaves the same skeleton, links aside
    strip = re.compile(r"[^\x00-\x7f]+|(?:href|lang)=\"[^\"]*\"")
    assert strip.sub("", simp) == strip.sub("", trad)
    # links: the Traditional page points to Traditional siblings and back to the Simplified one
    assert 'href="student.html"' in trad and "簡體版" in trad
    assert 'href="../../../index.zh-Hant.html"' in trad
    inst_trad = _read(d / "instructor.zh-Hant.html")
    assert 'href="student.zh-Hant.html"' in inst_trad
    index_trad = _read(built.out / "index.zh-Hant.html")
    assert "測試課程" in index_trad and 'href="index.html"' in index_trad


def test_injected_parameters_are_readable_and_cell_ids_fixed(built):
    page = _read(built.out / "lessons" / "alpha" / "big" / "instructor.html")
    assert "\\u4e59" not in page
    ids = re.findall(r'id="cell-id=([^"]+)"', page)
    assert ids == [f"cell-{i}" for i in range(len(ids))]


def test_two_prints_are_one_output(built):
    page = _read(built.out / "lessons" / "alpha" / "default" / "instructor.html")
    assert re.search(r"<pre>第一行 3\n第二行 甲\n</pre>", page)


def test_index_links_the_glossary_and_the_references_in_both_scripts(built):
    index = _read(built.out / "index.html")
    assert 'href="glossary.html"' in index and 'href="references.html"' in index
    trad = _read(built.out / "index.zh-Hant.html")
    assert 'href="glossary.zh-Hant.html"' in trad and 'href="references.zh-Hant.html"' in trad
    refs = _read(built.out / "references.html")
    assert 'id="ref-quanzhou"' in refs and "<script" not in refs  # one entry per article, nothing to load
