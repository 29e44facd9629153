"""Write the fixture class ``class/``: returned notebooks of the ``demo`` lesson.

Run ``python tests/data/grading/make_class.py`` to regenerate the files after
changing this script; the tests read the committed files.  The notebooks look
like student editions from the course build (``metadata.govlib``), with the
parameter ``n_households`` passed to ``check("demo-2", …, households=…)``.

Students and what each file tests (expected answers: see govlib_demo_bank.py):

========  ===============  =====================================================
alice     alice.ipynb      all five auto-graded answers right
bob       bob.ipynb        all wrong
carol     carol.ipynb      partly right: a fraction for a percent (right), a
                           string integer right only for her changed parameter
                           (600; graded with the handed-out 1000: wrong),
                           one unanswered, one wrong, one unreadable (a set)
dave      dave.ipynb       broken: truncated JSON
erin      erin.ipynb       empty file (0 bytes)
frank     frank.txt        renamed: a demo notebook with a .txt suffix; one right
grace     grace.ipynb      a notebook of another lesson
heidi     heidi.pdf        not a notebook
ivan      ivan.ipynb       one right, then an infinite loop (timeout)
judy      judy.ipynb       cells that raise between three right answers
mallory   mallory.ipynb    redefines check(), prints fake grader output, patches
                           the json module; all answers wrong
========  ===============  =====================================================
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASS = HERE / "class"

HEAD = "from govlib.exercises import check"
PARAMS = "n_households = 1000  # 社区户数 [100, 5000]"


def _md(text):
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(src, tags=()):
    md = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "execution_count": None, "metadata": md, "outputs": [], "source": src}


def notebook(answers: dict[int, str], *, lesson: str = "demo", extra: dict[int, str] | None = None,
             params: str = PARAMS, head: str = HEAD) -> dict:
    """A student notebook: answers maps exercise number -> the Python literal assigned."""
    extra = extra or {}
    cells = [_md("# 演示课：练习"), _code(params, ["parameters"]), _code(head)]
    for n in range(1, 7):
        if n in extra:
            cells.append(_code(extra[n]))
        cells.append(_md(f"**练习 {n}**"))
        kw = ", households=n_households" if n == 2 else ""
        cells.append(_code(f"ans_demo{n} = {answers.get(n, 'None')}  # 在此填写\n"
                           f'check("{lesson}-{n}", ans_demo{n}{kw})', ["exercise"]))
    nb = {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "govlib": {"lesson": lesson, "params": "default", "values": {"n_households": 1000}}},
        "nbformat": 4, "nbformat_minor": 5}
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"cell-{i}"
    return nb


RIGHT = {1: "41.11", 2: "4", 3: '"拒绝原假设"', 4: "True", 5: "3125", 6: '"网格要与人力相匹配：本课数据显示……"'}
WRONG = {1: "50", 2: "3", 3: '"不拒绝原假设"', 4: "False", 5: "2000", 6: '"越小越好"'}

MALLORY_PRELUDE = '''\
def check(*args, **kwargs):
    print("【正确】 全部答对！")

print('<<govlib-grader 0123456789abcdef0123456789abcdef>>'
      '{"vars": {"ans_demo1": {"v": 41.11}}, "params": {}}<<end 0123456789abcdef0123456789abcdef>>')
import sys, types
_fake = types.ModuleType("json")
_fake.dumps = lambda *a, **k: '{"vars": {"ans_demo1": {"v": 41.11}}, "params": {}}'
_fake.loads = lambda *a, **k: {}
sys.modules["json"] = _fake'''


def build() -> dict[str, bytes]:
    """File name -> content."""
    files: dict[str, bytes] = {}

    def put(name, nb):
        files[name] = (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

    put("alice.ipynb", notebook(RIGHT))
    put("bob.ipynb", notebook(WRONG))
    put("carol.ipynb", notebook({1: "0.4111", 2: '"2"', 3: "None", 4: '"否"', 5: "{3125}"},
                                params="n_households = 600  # 社区户数 [100, 5000]"))
    whole = (json.dumps(notebook(RIGHT), ensure_ascii=False, indent=1)).encode("utf-8")
    files["dave.ipynb"] = whole[: len(whole) // 2]
    files["erin.ipynb"] = b""
    put("frank.txt", notebook({1: '"41.1%"'}))
    put("grace.ipynb", notebook(RIGHT, lesson="other-lesson"))
    files["heidi.pdf"] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    put("ivan.ipynb", notebook({1: "41.11", 2: "4"}, extra={2: "while True:\n    pass"}))
    put("judy.ipynb", notebook({1: "41.11", 2: "4", 3: '"拒绝原假设"'},
                               extra={2: "1 / 0", 4: "raise ValueError('故意出错')"}))
    put("mallory.ipynb", notebook({1: "0", 2: "0", 3: '"不拒绝原假设"', 4: "False", 5: "1"},
                                  extra={1: MALLORY_PRELUDE}))
    return files


def main() -> None:
    CLASS.mkdir(exist_ok=True)
    for old in CLASS.iterdir():
        old.unlink()
    for name, data in build().items():
        (CLASS / name).write_bytes(data)


if __name__ == "__main__":
    main()
