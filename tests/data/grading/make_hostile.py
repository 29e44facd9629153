"""Write the hostile fixture class: students of the ``demo`` lesson who attack the grader.

Unlike ``class/`` (committed files), these notebooks name the folders of one
test run (the submissions folder, the output folder, the grader's home), so
the test writes them into a temporary folder with :func:`write_class`.
Every file and what the grader must make of it is listed in ``EXPECTED``
(file -> (file status, correct per demo-1..5)); the reasons are in the
comments of :func:`build`.  Expected answers: see govlib_demo_bank.py
(handed-out n_households = 1000, so demo-2 is ceil(1000 / 300) = 4).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from make_class import RIGHT, WRONG, notebook

#: file -> (file status, correct answers of demo-1..5); None = not run
EXPECTED: dict[str, tuple[str, list]] = {
    "alice.ipynb": ("ok", [1, 1, 1, 1, 1]),
    "bob.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "spy.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "tamper.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "delete.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "0-persist.ipynb": ("ok", [1, 1, 1, 1, 1]),
    "orphan.ipynb": ("ok", [1, 0, 0, 0, 0]),
    # kills every process it can see and forges results on every pipe: the sandbox's init is the runner
    # (bwrap --as-pid-1), which signals from inside cannot end, so the run goes on, the forgeries are
    # ignored and the answers written before the attack are graded; the attack cell's error is reported
    "killparent.ipynb": ("errors", [1, 1, 1, 1, 1]),
    "forge_repr.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "forge_hook.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "params_cell.ipynb": ("ok", [1, 0, 1, 1, 1]),
    "params_meta.ipynb": ("ok", [1, 0, 1, 1, 1]),
    "params_call.ipynb": ("ok", [1, 0, 1, 1, 1]),
    "denominator.ipynb": ("errors", [0, 0, 0, 0, 0]),
    "dos.ipynb": ("ok", [1, 1, 1, 1, 0]),
    "old_v3.ipynb": ("ok", [1, 0, 1, 0, 0]),
    "utf16.ipynb": ("ok", [1, 1, 1, 1, 1]),
    "=HYPERLINK(1)@x.ipynb": ("ok", [1, 1, 1, 1, 1]),
    "<img src=x onerror=alert(1)>.ipynb": ("ok", [0, 0, 0, 0, 0]),
    "link_out.ipynb": ("symlink", [None] * 5),
    "link_in.ipynb": ("symlink", [None] * 5),
    "dangling.ipynb": ("symlink", [None] * 5),
    "pipe.ipynb": ("special", [None] * 5),
    "drafts": ("folder", [None] * 5),
    ".hidden.ipynb": ("hidden", [None] * 5),
}


#: put first in every destructive cell: outside a PID namespace (a broken sandbox) the cell stops
#: instead of harming the machine running the tests, and the expected table then fails loudly
GUARD = """\
import os as _os
if len([_p for _p in _os.listdir("/proc") if _p.isdigit()]) > 20:
    raise SystemExit("not sandboxed: this hostile fixture refuses to attack the host")
"""


def _spy(subs: str, out: str, home: str, secret: str) -> str:
    return f'''\
import glob, os
SUBS, OUT, HOME = {subs!r}, {out!r}, {home!r}
SECRET = {secret[::-1]!r}[::-1]  # reversed here, so the spy's own notebook does not contain it
found = []
for p in (SUBS, OUT, HOME):
    try:
        found.append(p + ":" + ",".join(os.listdir(p)))
    except OSError:
        pass
for root, dirs, files in os.walk("/"):
    if root.startswith(("/proc", "/sys", "/dev", "/usr")):
        dirs[:] = []
        continue
    for f in files:
        if f.endswith((".ipynb", ".csv", ".md", ".txt")):
            try:
                if SECRET in open(os.path.join(root, f), encoding="utf-8", errors="replace").read(2_000_000):
                    found.append("SECRET in " + os.path.join(root, f))
            except OSError:
                pass
for p in glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ"):
    try:
        t = open(p, "rb").read().decode("utf-8", "replace")
        if SUBS in t or OUT in t or SECRET in t:
            found.append("leak in " + p)
    except OSError:
        pass
for p in glob.glob("/proc/*/fd/*"):
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
        data = os.read(fd, 65536)
        os.close(fd)
        if SECRET.encode() in data or b"nonce" in data:
            found.append("read " + p)
    except OSError:
        pass
SPY_RESULT = "SPY:" + repr(found)'''


def _tamper(subs: str, out: str, home: str) -> str:
    right = json.dumps(notebook(RIGHT), ensure_ascii=False)
    return GUARD + f'''\
import os
SUBS, OUT, HOME = {subs!r}, {out!r}, {home!r}
for path, text in [(SUBS + "/bob.ipynb", {right!r}), (SUBS + "/new.ipynb", "x"), (OUT + "/scores.csv", "=1+1"),
                   (OUT + "/evil.txt", "x"), (HOME + "/evil.txt", "x"), ("/tmp/govlib-hostile-tamper", "x")]:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)
    except OSError:
        pass
for p in os.listdir("/proc"):
    try:
        open("/proc/" + p + "/cwd/bob.ipynb", "w").write("x")
    except OSError:
        pass'''


def _delete(subs: str, out: str, home: str) -> str:
    return GUARD + f'''\
import os, shutil
for p in [{subs!r} + "/alice.ipynb", {subs!r} + "/bob.ipynb"]:
    try:
        os.remove(p)
    except OSError:
        pass
for d in [{subs!r}, {out!r}, {home!r}]:
    shutil.rmtree(d, ignore_errors=True)'''


def _persist(home: str, token: str) -> str:
    return GUARD + f'''\
import os
body = "ans_demo1 = ans_demo2 = ans_demo3 = ans_demo4 = ans_demo5 = 0  # {token}\\n"
for base in [os.path.expanduser("~"), {home!r}, "/root"]:
    d = os.path.join(base, ".ipython", "profile_default", "startup")
    try:
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "00-govlib-hostile-{token}.py"), "w").write(body)
    except OSError:
        pass'''


def _orphan(token: str) -> str:
    return GUARD + f'''\
import os, subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)", "{token}"], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(900)", "{token}"])
    os._exit(0)'''


_KILL = GUARD + '''\
import os, signal, glob
me = os.getpid()
for p in glob.glob("/proc/*/fd/*"):  # forge a result on any pipe that will take it
    try:
        fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b'{"nonce": "0", "result": {"status": "ok", "problems": [], "payload": {"vars": {"ans_demo1": {"v": 41.11}}, "params": {}}}}')
        os.close(fd)
    except OSError:
        pass
os.kill(os.getppid(), signal.SIGTERM)
for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
    if pid != me:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
os.kill(-1, signal.SIGKILL)'''

_FORGE_REPR = '''\
import sys, types

def _poison(frame_depth=30):
    f = sys._getframe(1)
    for _ in range(frame_depth):
        if f is None:
            break
        out = f.f_locals.get("out")
        if isinstance(out, dict) and "vars" in out:
            out["vars"]["ans_demo1"] = {"v": [41.11]}
            out["vars"]["ans_demo2"] = {"v": 2}
            out["vars"]["ans_demo3"] = {"v": {"nested": ["拒绝原假设"]}}
            out["vars"]["ans_demo4"] = {"repr": ["x"], "type": {"t": 1}}
            out["params"]["n_households"] = {"v": 600}
            out["vars"]["ans_demo5"] = {"v": 10 ** 60}
        f = f.f_back

class Evil:
    def __repr__(self):
        _poison()
        return "41.11"
    __str__ = __repr__
    def __eq__(self, other):
        _poison()
        return True
    __hash__ = object.__hash__

class _Meta(type):
    def __subclasscheck__(cls, sub):
        _poison()
        return False
    def __instancecheck__(cls, obj):
        _poison()
        return False

fake_np = types.ModuleType("numpy")
fake_np.generic = _Meta("generic", (), {})
sys.modules["numpy"] = fake_np
ans_demo1 = Evil()'''

_FORGE_HOOK = '''\
import re, sys
ip = get_ipython()
FAKE = '{"vars": {"ans_demo1": {"v": [41.11]}, "ans_demo2": {"v": 2}, "ans_demo3": {"v": {"a": 1}}, "ans_demo4": 7, "ans_demo5": {"v": 1e999}}, "params": {"n_households": {"v": 600}}}'

def hook(info):
    m = re.search(r"_govlib_grader_dump\\([^\\n]*'([0-9a-f]{32})'\\)", info.raw_cell or "")
    if not m:
        return
    nonce = m.group(1)
    real = sys.stdout.write
    sys.stdout.write = lambda s: real(s) if nonce not in s else 0
    real("<<govlib-grader " + nonce + ">>" + FAKE + "<<end " + nonce + ">>")

ip.events.register("pre_run_cell", hook)'''

_DOS = GUARD + '''\
try:
    big = bytearray(12 * 1024 ** 3)  # over the memory limit
except MemoryError:
    big = None
ans_demo5 = 10 ** 5000'''


def _v3(answers: dict[int, str]) -> dict:
    cells = [{"cell_type": "code", "language": "python", "metadata": {}, "outputs": [], "collapsed": False,
              "input": "from govlib.exercises import check"}]
    for n, lit in answers.items():
        cells.append({"cell_type": "code", "language": "python", "metadata": {}, "outputs": [], "collapsed": False,
                      "input": f"ans_demo{n} = {lit}\ncheck(\"demo-{n}\", ans_demo{n})"})
    return {"metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0,
            "worksheets": [{"cells": cells, "metadata": {}}]}


def build(subs: Path, out: Path, home: Path, secret: str, token: str) -> dict[str, bytes]:
    """File name -> content of the notebooks (links, FIFO, folder made by :func:`write_class`)."""
    s, o, h = str(subs), str(out), str(home)
    files: dict[str, bytes] = {}

    def put(name, nb, encoding="utf-8"):
        files[name] = (json.dumps(nb, ensure_ascii=False, indent=1) + "\n").encode(encoding)

    secret_right = {**RIGHT, 6: f'"网格要与人力相匹配 {secret}"'}
    put("alice.ipynb", notebook(secret_right))
    put("bob.ipynb", notebook({**WRONG, 6: f'"越小越好 {secret}"'}))
    # reads what it can find: nothing of the class, the output folder or the grader's home is visible
    put("spy.ipynb", notebook({**WRONG, 6: "SPY_RESULT"}, extra={1: _spy(s, o, h, secret)}))
    # overwrites bob with right answers, writes into the submissions, output and home folders
    put("tamper.ipynb", notebook(WRONG, extra={1: _tamper(s, o, h)}))
    # deletes classmates and folders
    put("delete.ipynb", notebook(WRONG, extra={1: _delete(s, o, h)}))
    # an IPython startup file zeroing every later kernel's answers (graded first: "0-")
    put("0-persist.ipynb", notebook(RIGHT, extra={1: _persist(h, token)}))
    # processes that try to outlive grading; one right answer before
    put("orphan.ipynb", notebook({1: "41.11"}, extra={2: _orphan(token)}))
    # right answers, then kills the runner, every process it sees and forges results on pipes
    put("killparent.ipynb", notebook(RIGHT, extra={6: _KILL}))
    # a __repr__/__eq__/__subclasscheck__ that edits the grader's dump frame
    put("forge_repr.ipynb", notebook({2: "2", 3: '"不拒绝原假设"', 4: "False", 5: "1"}, extra={6: _FORGE_REPR}))
    # a pre_run_cell hook that reads the nonce from the grader's cell and prints its own block
    put("forge_hook.ipynb", notebook(WRONG, extra={1: _FORGE_HOOK}))
    # parameter edits: 600 households -> 2 grids would be right with 600, the handout has 1000
    put("params_cell.ipynb", notebook({**RIGHT, 2: "2"}, params="n_households = 600  # 社区户数 [100, 5000]"))
    meta = notebook({**RIGHT, 2: "2"}, params="n_households = 600  # 社区户数 [100, 5000]")
    meta["metadata"]["govlib"]["values"] = {"n_households": 600}
    meta["metadata"]["govlib"]["params"] = "big"
    put("params_meta.ipynb", meta)
    call = notebook({**RIGHT, 2: "2"})
    for c in call["cells"]:
        if "check(\"demo-2\"" in c["source"]:
            c["source"] = c["source"].replace("households=n_households", "households=600")
    put("params_call.ipynb", call)
    # wrong answers paired with parameters that cannot be evaluated: still 0 of 5, not 0 of 0
    den = notebook(WRONG)
    for c in den["cells"]:
        if "check(\"demo-2\"" in c["source"]:
            c["source"] = c["source"].replace("households=n_households", "households=no_such_name")
        if "check(\"demo-1\"" in c["source"]:
            c["source"] = c["source"].replace("ans_demo1)", "ans_demo1, rounding=\"nonsense\")")
    put("denominator.ipynb", den)
    # huge parameters everywhere, a 12 GB allocation, a 5000-digit answer
    dos = notebook({**RIGHT, 5: "None"}, params="n_households = 5_000_000_000  # 社区户数 [100, 5000]",
                   extra={6: _DOS})
    for c in dos["cells"]:
        if "check(\"demo-2\"" in c["source"]:
            c["source"] = c["source"].replace("households=n_households", "households=10**12")
    put("dos.ipynb", dos)
    # nbformat 3, right answers to 1 and 3
    put("old_v3.ipynb", _v3({1: "41.11", 3: '"拒绝原假设"'}))
    # saved as UTF-16 with a byte-order mark
    put("utf16.ipynb", notebook(RIGHT), encoding="utf-16")
    # file names and answers a spreadsheet or a Markdown viewer would run
    put("=HYPERLINK(1)@x.ipynb", notebook({**RIGHT, 6: '"=1+2 @SUM(A1) -3+1"'}))
    put("<img src=x onerror=alert(1)>.ipynb", notebook({**WRONG, 6: '"<script>alert(1)</script> **粗** [x](y)"'}))
    files[".hidden.ipynb"] = files["alice.ipynb"]
    return files


def write_class(subs: Path, out: Path, home: Path, outside: Path, secret: str, token: str) -> None:
    """Write the hostile class into *subs* (links point into *outside*, which the test keeps)."""
    subs.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    for name, data in build(subs, out, home, secret, token).items():
        (subs / name).write_bytes(data)
    (outside / "stranger.ipynb").write_bytes((subs / "alice.ipynb").read_bytes())
    os.symlink(outside / "stranger.ipynb", subs / "link_out.ipynb")
    os.symlink("alice.ipynb", subs / "link_in.ipynb")
    os.symlink(outside / "missing.ipynb", subs / "dangling.ipynb")
    os.mkfifo(subs / "pipe.ipynb")
    (subs / "drafts").mkdir()
    (subs / "drafts" / "draft.ipynb").write_bytes((subs / "alice.ipynb").read_bytes())
