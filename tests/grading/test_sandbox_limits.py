"""The sandbox under attack by one submission: ptrace of its init, fork loops, memory over several processes,
looking for the answer pages.

Each test runs one hostile notebook through :class:`govlib.grading.sandbox.Runner` (the code path of
``govlib grade``) with small caps (64 processes, 256 MiB) so the shared machine is not hurt, then checks
what the grader promises: the attack fails or is capped, the caps are reported, and no process of the
submission is alive when ``run`` returns.
"""

from __future__ import annotations

import os
import platform
import uuid

import pytest

from conftest import proc_files

from govlib.grading import cgroup, sandbox

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sandbox.find_bwrap() is None, reason="bubblewrap (bwrap) is not installed")]

needs_groups = pytest.mark.skipif(cgroup.probe()[0] is None,
                                  reason="no cgroup can be created here (the grader refuses as root; see below)")

SMALL = sandbox.Limits(nproc=64, total_memory=256 * 1024 ** 2)


def _run(src: str, names: list[str], limits: sandbox.Limits = SMALL, timeout: float = 40) -> dict:
    runner = sandbox.Runner(masks=[], sandbox=True, limits=limits)
    return runner.run([src], variables=names, params=[], timeout=timeout, extract_timeout=5)


def _alive(marker: str) -> list[int]:
    """Pids whose command line holds *marker* (zombies have an empty one)."""
    return [pid for pid, cmd in proc_files("cmdline").items() if marker.encode() in cmd]


def _value(res: dict, name: str):
    assert res["payload"] is not None, res
    return res["payload"]["vars"][name].get("v")


# the attack of issue 22: attach to the sandbox's pid 1, inject prctl(PR_SET_PDEATHSIG, 0) so it outlives
# the grader, and start a sleep in a session of its own (x86-64 register layout for the injection)
ATTACK = r'''
import ctypes, os, platform, subprocess
if len([p for p in os.listdir("/proc") if p.isdigit()]) > 20:
    raise SystemExit("not sandboxed: this test refuses to attack the host")
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.restype = ctypes.c_long
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
ans_attach = "?"
if libc.ptrace(16, 1, None, None) != 0:                      # PTRACE_ATTACH
    ans_attach = "EPERM" if ctypes.get_errno() == 1 else "errno %d" % ctypes.get_errno()
elif platform.machine() != "x86_64":
    ans_attach = "attached"
else:
    os.waitpid(1, 0x40000000)
    regs = (ctypes.c_ulong * 27)()
    libc.ptrace(12, 1, None, ctypes.byref(regs))               # PTRACE_GETREGS
    saved = (ctypes.c_ulong * 27)(*regs)
    rip = regs[16]
    if libc.ptrace(1, 1, ctypes.c_void_p(rip - 2), None) & 0xffff == 0x050f:   # a syscall instruction
        regs[10], regs[15], regs[14], regs[13], regs[16] = 157, 2 ** 64 - 1, 1, 0, rip - 2  # prctl(1, 0)
        libc.ptrace(13, 1, None, ctypes.byref(regs))
        libc.ptrace(9, 1, None, None)                          # PTRACE_SINGLESTEP
        os.waitpid(1, 0x40000000)
        ans_attach = "cleared"
    else:
        ans_attach = "attached"
    libc.ptrace(13, 1, None, ctypes.byref(saved))
    libc.ptrace(17, 1, None, None)                             # PTRACE_DETACH
subprocess.Popen(["sleep", "__MARK__"], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", "__MARK__"])
    os._exit(0)
'''


def _mark() -> str:
    return f"{600 + uuid.uuid4().int % 100000 / 1000:.3f}"  # a sleep length no other process uses


def test_init_cannot_be_ptraced_and_nothing_survives():
    mark = _mark()
    res = _run(ATTACK.replace("__MARK__", mark), ["ans_attach"])
    assert res["status"] == "ok", res
    assert _value(res, "ans_attach") == "EPERM"
    assert _alive(mark) == []


def test_nothing_survives_grade_of_the_attack(tmp_path, monkeypatch):
    """The same attack through ``govlib grade``'s pipeline, with the demo lesson of the grading fixture."""
    import importlib
    import json
    import sys
    from pathlib import Path

    from govlib.exercises import core
    from govlib.grading import grade_folder

    grading = Path(__file__).resolve().parents[1] / "data" / "grading"
    monkeypatch.syspath_prepend(str(grading))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(grading), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv(core.BANKS_ENV, "govlib_demo_bank")
    importlib.import_module("govlib_demo_bank")
    make_class = importlib.import_module("make_class")
    mark = _mark()
    subs = tmp_path / "class"
    subs.mkdir()
    nb = make_class.notebook(make_class.RIGHT, extra={2: ATTACK.replace("__MARK__", mark)})
    (subs / "mallory.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    try:
        res = grade_folder(subs, "demo", out=tmp_path / "grades", jobs=1, timeout=30, extract_timeout=5,
                           syllabus=grading / "course" / "course.yml")
        assert _alive(mark) == []
        (sub,) = res.submissions
        assert sub.status == "ok", sub.problems
    finally:
        for k in [k for k, e in core._REGISTRY.items() if e.lesson == "demo"]:
            del core._REGISTRY[k]
        sys.modules.pop("govlib_demo_bank", None)
        sys.modules.pop("make_class", None)


@needs_groups
def test_fork_loop_stops_at_the_process_cap():
    mark = _mark()
    src = f'''
import os
ans_forks = 0
for _ in range(400):
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.execv("/bin/sleep", ["sleep", "{mark}"])
    ans_forks += 1
'''
    res = _run(src, ["ans_forks"])
    forks = _value(res, "ans_forks")
    # the runner and the kernel (with their threads) use part of the 64; the loop gets the rest, never 400
    assert 0 < forks < 64, forks
    assert any("进程数达到上限" in p and "64" in p for p in res["problems"]), res["problems"]
    assert _alive(mark) == []


@needs_groups
def test_memory_over_several_processes_stops_at_the_cap():
    # three children of 160 MiB each (480 MiB together) under a 256 MiB cap: they cannot all live
    mark = _mark()
    src = f'''
import os, time
kids = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        os.setsid()
        b = bytearray(160 * 1024 * 1024)
        for i in range(0, len(b), 4096):
            b[i] = 1
        time.sleep(3)
        os._exit(0)
    kids.append(pid)
ans_ok = sum(1 for pid in kids if os.waitpid(pid, 0)[1] == 0)
import subprocess
subprocess.Popen(["sleep", "{mark}"], start_new_session=True)
'''
    res = _run(src, ["ans_ok"])
    assert any("内存超出上限" in p and "256 MiB" in p for p in res["problems"]), res
    if res["payload"] is not None:  # the kernel itself may be the process the system ends
        assert _value(res, "ans_ok") < 3
    assert _alive(mark) == []


def test_refuses_as_root_without_a_cgroup(monkeypatch):
    monkeypatch.setattr(sandbox, "probe_groups", lambda: (None, "no cgroup here"))
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    with pytest.raises(sandbox.LimitsUnavailable) as err:
        sandbox.Runner(masks=[], sandbox=True)
    assert "控制组" in str(err.value) and "评分已停止" in str(err.value) and "no cgroup here" in str(err.value)


def test_ordinary_user_without_a_cgroup_is_told_the_limits_are_weaker(monkeypatch):
    monkeypatch.setattr(sandbox, "probe_groups", lambda: (None, "no cgroup here"))
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    r = sandbox.Runner(masks=[], sandbox=True)
    assert any("RLIMIT_NPROC" in n for n in r.notes)


def test_no_answer_page_is_visible(tmp_path, monkeypatch):
    """A course root on the path with a build in it: the sandbox shows the syllabus, never the build."""
    from govlib import paths

    root = tmp_path / "checkout"
    build = root / "course" / "_build"
    for rel in ("student/demo.html", "answers/answers.html", "instructor/demo-instructor.pdf"):
        (build / rel).parent.mkdir(parents=True, exist_ok=True)
        (build / rel).write_text("ANSWER-PAGE", encoding="utf-8")
    (build / "manifest.json").write_text("{}", encoding="utf-8")
    (root / "course" / "course.yml").write_text("title: x\n", encoding="utf-8")
    monkeypatch.setattr(paths, "COURSE", root / "course")
    monkeypatch.setattr(paths, "SYLLABUS", root / "course" / "course.yml")
    monkeypatch.setattr(paths, "BUILD", build)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])))
    src = f'''
import os
ans_seen = []
for top in ("/", {str(root)!r}):
    for dirpath, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr")]
        for f in files:
            if f in ("manifest.json", "answers.html", "demo-instructor.pdf", "demo.html"):
                ans_seen.append(os.path.join(dirpath, f))
ans_seen = ";".join(sorted(set(ans_seen)))
ans_syllabus = open({str(root / "course" / "course.yml")!r}).read()
'''
    res = _run(src, ["ans_seen", "ans_syllabus"], timeout=120)
    assert _value(res, "ans_syllabus") == "title: x\n"
    seen = _value(res, "ans_seen")
    assert str(build) not in seen, seen
    assert "answers.html" not in seen and "demo-instructor.pdf" not in seen, seen


@pytest.mark.skipif(platform.system() != "Linux", reason="Linux only")
def test_group_reaper_ends_a_tree_and_leaves_no_group():
    import subprocess
    import time

    root, why = cgroup.probe()
    if root is None:
        pytest.skip(why)
    mark = _mark()
    g = root.create(16, 64 * 1024 ** 2)
    p = subprocess.Popen(g.wrap(["sh", "-c", f"setsid sleep {mark} & sleep {mark} & wait"]))
    time.sleep(0.5)
    assert len(g.members()) >= 3
    folders = list(g.folders)
    assert g.close() == []
    p.wait(timeout=10)
    assert _alive(mark) == [] and not any(f.exists() for f in folders)


def test_interpreter_path_has_no_dotdot(monkeypatch):
    import sys

    monkeypatch.setattr(sys, "executable", "/opt/course/tests/../.venv/bin/python")
    assert sandbox._python() == "/opt/course/.venv/bin/python"  # tests/ is not visible inside the sandbox
