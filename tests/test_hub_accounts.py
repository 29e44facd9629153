"""The hub's own modules without a running hub: roster, passwords, lockout, cgroup files, home filling.

``deploy/jupyterhub/govlib_hub`` is imported from the repository (the hub config puts it on
``sys.path`` the same way).  The cgroup tests write into a fake ``/sys/fs/cgroup`` tree; the live
hub test (tests/test_hub_live.py) checks the real one.
"""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from govlib import paths

HUB = paths.PACKAGE.parent / "deploy" / "jupyterhub"
pytestmark = pytest.mark.skipif(not HUB.is_dir(), reason="needs the repository's deploy/ folder")
if HUB.is_dir() and str(HUB) not in sys.path:
    sys.path.insert(0, str(HUB))


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "roster.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_roster_names_fold_full_width_and_case_and_roles_are_chinese_or_english(tmp_path):
    from govlib_hub.accounts import read_roster

    roster = read_roster(_write(tmp_path, "姓名,角色\nＴｅａｃｈｅｒ,教师\n张三,学生\nLiSi,\nwang,student\n"))
    assert roster == [("teacher", "admin"), ("张三", "student"), ("lisi", "student"), ("wang", "student")]
    assert read_roster(_write(tmp_path, "\ufeffname,role\nli,teacher\n")) == [("li", "admin")]


@pytest.mark.parametrize(("text", "message"), [
    ("名字,身份\nli,学生\n", "第1行应为表头「姓名,角色」"),
    ("姓名,角色\nli,学生\n\n../etc,学生\n", "第4行：姓名「../etc」不能为空"),
    ("姓名,角色\nli si,学生\n", "第2行：姓名「li si」"),
    ("姓名,角色\nli,学生\nLI,学生\n", "第3行：姓名「LI」与第2行重复"),
    ("姓名,角色\nli,校长\n", "第2行：角色「校长」无法识别"),
    ("姓名,角色\n", "里没有任何人"),
])
def test_roster_errors_name_the_file_and_row(tmp_path, text, message):
    from govlib_hub.accounts import RosterError, read_roster

    with pytest.raises(RosterError, match=message) as err:
        read_roster(_write(tmp_path, text))
    assert "roster.csv" in str(err.value)


def test_roster_that_is_not_utf8_or_missing(tmp_path):
    from govlib_hub.accounts import RosterError, read_roster

    p = tmp_path / "roster.csv"
    p.write_bytes("姓名,角色\n张三,学生\n".encode("gbk"))
    with pytest.raises(RosterError, match="不是 UTF-8 编码"):
        read_roster(p)
    with pytest.raises(RosterError, match="找不到学生名单"):
        read_roster(tmp_path / "missing.csv")


def test_passwords_are_salted_scrypt_hashes():
    from govlib_hub.accounts import hash_password, verify_password

    a, b = hash_password("zs-own-pass-1"), hash_password("zs-own-pass-1")
    assert a != b and a.startswith("scrypt$") and "zs-own-pass-1" not in a
    assert verify_password("zs-own-pass-1", a) and not verify_password("zs-own-pass-2", a)
    assert not verify_password("x", "plain-text") and not verify_password("x", "")


def test_new_password_rules_are_stricter_for_the_instructor():
    from govlib_hub.accounts import Account, check_new_password

    student = Account("li", "student", 52001, code="abcdefghjk")
    teacher = Account("t", "admin", 52000, code="kjhgfedcba")
    assert check_new_password(student, "1234567") == "新密码太短：学生账号的密码至少需要 8 个字符（现在 7 个）。"
    assert check_new_password(student, "12345678") is None
    assert "教师账号的密码至少需要 12 个字符（现在 11 个）" in check_new_password(teacher, "12345678901")
    assert check_new_password(teacher, "123456789012") is None
    assert "不能与首次登录码相同" in check_new_password(student, "abcdefghjk")
    assert "空格" in check_new_password(student, " 12345678 ")


def test_store_gives_each_name_its_own_free_uid_and_a_code_and_is_root_only(tmp_path, monkeypatch):
    import pwd

    from govlib_hub import accounts

    real = pwd.getpwuid
    monkeypatch.setattr(accounts.pwd, "getpwuid",
                        lambda uid: SimpleNamespace(pw_uid=uid) if uid == 52001 else real(uid))
    store = accounts.AccountStore(tmp_path / "accounts.json")
    store.sync([("teacher", "admin"), ("zhang", "student"), ("li", "student")])
    uids = {a.name: a.uid for a in store.accounts.values()}
    assert uids == {"teacher": 52000, "zhang": 52002, "li": 52003}    # 52001 belongs to /etc/passwd
    assert stat.S_IMODE((tmp_path / "accounts.json").stat().st_mode) == 0o600
    codes = {a.name: a.code for a in store.accounts.values()}
    assert len(set(codes.values())) == 3 and all(len(c) == 10 for c in codes.values())
    # a restart keeps uids and codes; a name removed loses its login; a new one gets a new uid
    again = accounts.AccountStore(tmp_path / "accounts.json")
    again.sync([("teacher", "admin"), ("zhang", "student"), ("wang", "student")])
    assert {a.name: a.uid for a in again.accounts.values()} == {"teacher": 52000, "zhang": 52002, "wang": 52004}
    assert again.get("ＺＨＡＮＧ").code == codes["zhang"] and again.get("li") is None
    again.write_codes(tmp_path / "codes.csv")
    assert stat.S_IMODE((tmp_path / "codes.csv").stat().st_mode) == 0o600
    assert (tmp_path / "codes.csv").read_text(encoding="utf-8").splitlines()[0] == "姓名,角色,首次登录码"
    new = again.reset("zhang")
    assert new != codes["zhang"] and accounts.AccountStore(tmp_path / "accounts.json").get("zhang").code == new


def _auth(tmp_path: Path):
    from govlib_hub.accounts import AccountStore
    from govlib_hub.auth import RosterAuthenticator

    store = AccountStore(tmp_path / "accounts.json")
    store.sync([("teacher", "admin"), ("zhang", "student")])
    a = RosterAuthenticator(accounts_file=str(tmp_path / "accounts.json"), max_failures=3,
                            lockout_seconds=60, failure_delay=0)
    return a, {n: x.code for n, x in store.accounts.items()}


def _login(a, name, password, new=""):
    return asyncio.run(a.authenticate(None, {"username": name, "password": password, "otp": new}))


def test_first_login_sets_an_own_password_and_the_code_then_stops_working(tmp_path):
    from tornado import web

    a, codes = _auth(tmp_path)
    assert _login(a, "zhang", codes["teacher"], "my-own-pass") is None      # someone else's code
    with pytest.raises(web.HTTPError, match="首次登录：请在「新密码」一栏设置"):
        _login(a, "zhang", codes["zhang"])
    with pytest.raises(web.HTTPError, match="至少需要 8 个字符"):
        _login(a, "zhang", codes["zhang"], "short")
    assert _login(a, "Ｚｈａｎｇ", codes["zhang"], "my-own-pass") == {"name": "zhang", "admin": False}
    assert _login(a, "zhang", codes["zhang"]) is None
    assert _login(a, "zhang", "my-own-pass") == {"name": "zhang", "admin": False}
    assert _login(a, "zhang", "my-own-pass", "changed-pass") == {"name": "zhang", "admin": False}
    assert _login(a, "zhang", "my-own-pass") is None
    with pytest.raises(web.HTTPError, match="教师账号的密码至少需要 12 个字符"):
        _login(a, "teacher", codes["teacher"], "eleven-char")
    assert _login(a, "teacher", codes["teacher"], "twelve-chars") == {"name": "teacher", "admin": True}
    assert _login(a, "nobody", "whatever") is None
    stored = json.loads((tmp_path / "accounts.json").read_text(encoding="utf-8"))
    assert "changed-pass" not in json.dumps(stored)


def test_wrong_passwords_lock_the_name_for_a_while(tmp_path, monkeypatch):
    from govlib_hub import auth
    from tornado import web

    a, codes = _auth(tmp_path)
    assert _login(a, "zhang", codes["zhang"], "my-own-pass")
    clock = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
    for _ in range(3):
        assert _login(a, "zhang", "guess") is None
    with pytest.raises(web.HTTPError, match="连续 3 次密码错误，登录已暂停，请 2 分钟后再试") as err:
        _login(a, "zhang", "my-own-pass")
    assert err.value.status_code == 403                    # not 429: that code is the 请稍候 page
    assert _login(a, "teacher", "guess") is None           # others are not locked
    clock[0] += 61
    assert _login(a, "zhang", "my-own-pass") == {"name": "zhang", "admin": False}


def test_a_wrong_password_waits_before_the_answer(tmp_path):
    import time

    a, _ = _auth(tmp_path)
    a.failure_delay = 0.3
    t0 = time.monotonic()
    assert _login(a, "zhang", "guess") is None
    assert time.monotonic() - t0 >= 0.3


def _fake_v1(root: Path, own: str = "/process_api/abc") -> None:
    for ctrl in ("memory", "cpu", "pids"):
        (root / ctrl).mkdir(parents=True)
        (root / ctrl / "cgroup.procs").write_text("")


def test_cgroup_v1_limits_are_written_under_the_hubs_own_group(tmp_path, monkeypatch):
    from govlib_hub import limits

    _fake_v1(tmp_path)
    monkeypatch.setattr(limits, "CGROUP", tmp_path)
    monkeypatch.setattr(limits, "_own_path", lambda c: "/process_api/abc" if c == "memory" else "/")
    g = limits.create("u52001", limits.Limits(memory_bytes=2 * 2**30, cpus=1.5, pids=256))
    mem = tmp_path / "memory" / "process_api" / "abc" / "govlib-hub" / "u52001"
    assert g.version == 1 and g.dirs[0] == mem
    assert (mem / "memory.limit_in_bytes").read_text() == str(2 * 2**30)
    assert (tmp_path / "cpu" / "govlib-hub" / "u52001" / "cpu.cfs_quota_us").read_text() == "150000"
    assert (tmp_path / "cpu" / "govlib-hub" / "u52001" / "cpu.cfs_period_us").read_text() == "100000"
    assert (tmp_path / "pids" / "govlib-hub" / "u52001" / "pids.max").read_text() == "256"
    assert limits.existing("u52001").dirs == g.dirs and limits.existing("u9") is None


def test_cgroup_v2_limits_and_no_controller_is_refused(tmp_path, monkeypatch):
    from govlib_hub import limits

    (tmp_path / "cgroup.controllers").write_text("cpu memory pids\n")
    monkeypatch.setattr(limits, "CGROUP", tmp_path)
    g = limits.create("u52001", limits.Limits(memory_bytes=2**30, cpus=0.5, pids=128))
    d = tmp_path / "govlib-hub" / "u52001"
    assert g.version == 2 and g.dirs == [d]
    assert (d / "memory.max").read_text() == str(2**30)
    assert (d / "cpu.max").read_text() == "50000 100000"
    assert (d / "pids.max").read_text() == "128"
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+memory +cpu +pids"

    empty = tmp_path / "nothing"
    empty.mkdir()
    monkeypatch.setattr(limits, "CGROUP", empty)
    with pytest.raises(limits.LimitsUnavailable):
        limits.create("u52001", limits.Limits(memory_bytes=2**30, cpus=1, pids=128))


def test_spawner_refuses_without_limits_and_never_runs_root(tmp_path, monkeypatch):
    from govlib_hub import limits, spawner
    from govlib_hub.accounts import Account, AccountStore

    store = AccountStore(tmp_path / "accounts.json")
    store.accounts["li"] = Account("li", "student", 52001)
    store.accounts["root"] = Account("root", "student", 0)
    store.save()
    monkeypatch.setattr(limits, "CGROUP", tmp_path / "none")
    s = spawner.StudentSpawner(accounts_file=str(tmp_path / "accounts.json"), homes_dir=str(tmp_path),
                               user=SimpleNamespace(name="li", url="/user/li/", name_with_server="li"))
    assert s.account() == (52001, 52001, tmp_path / "li")
    if os.geteuid() == 0:
        with pytest.raises(spawner.SpawnRefused, match="无法为「li」设置内存和CPU上限"):
            asyncio.run(s.start())
    s.user = SimpleNamespace(name="root")
    with pytest.raises(spawner.SpawnRefused, match="绝不以 root 运行"):
        s.account()
    s.user = SimpleNamespace(name="ghost")
    with pytest.raises(spawner.SpawnRefused, match="名单里没有「ghost」"):
        s.account()


def test_homefill_copies_what_is_missing_and_leaves_links_and_work_alone(tmp_path):
    from govlib_hub.homefill import fill

    src, home = tmp_path / "course", tmp_path / "home"
    (src / "data").mkdir(parents=True)
    (src / "a.ipynb").write_text("lesson a")
    (src / "b.ipynb").write_text("lesson b")
    (src / "data" / "x.csv").write_text("1,2")
    home.mkdir()
    (home / "a.ipynb").write_text("my work")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (home / "data").symlink_to(elsewhere)          # a planted link to a folder
    assert fill(src, home) == ["b.ipynb"]
    assert (home / "a.ipynb").read_text() == "my work"
    assert not list(elsewhere.iterdir())
    assert stat.S_IMODE((home / "b.ipynb").stat().st_mode) == 0o600


def test_reset_password_command_gives_a_new_code_in_chinese(tmp_path):
    import subprocess

    from govlib_hub.accounts import AccountStore, hash_password

    (tmp_path / "private").mkdir()
    store = AccountStore(tmp_path / "private" / "accounts.json")
    store.sync([("zhang", "student")])
    store.get("zhang").password_hash, store.get("zhang").code = hash_password("forgotten-pw"), ""
    store.save()
    run = [sys.executable, str(HUB / "reset_password.py"), "--dir", str(tmp_path)]
    out = subprocess.run(run + ["ＺＨＡＮＧ"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("「zhang」的新首次登录码：")
    after = AccountStore(tmp_path / "private" / "accounts.json").get("zhang")
    assert after.password_hash == "" and after.code in out.stdout
    assert after.code in (tmp_path / "private" / "first-login-codes.csv").read_text(encoding="utf-8")
    out = subprocess.run(run + ["nobody"], capture_output=True, text=True)
    assert out.returncode == 1 and "名单里没有「nobody」" in out.stderr
    out = subprocess.run([sys.executable, str(HUB / "reset_password.py"), "--dir", str(tmp_path / "x"), "zhang"],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "找不到账户文件" in out.stderr


def test_seed_sets_passwords_before_the_hub_starts(tmp_path):
    from govlib_hub.accounts import AccountStore, seed, verify_password

    roster = seed(tmp_path, {"student001": ("学生", "load-test-1"), "teacher": ("教师", "teacher-pass-12")})
    assert roster.read_text(encoding="utf-8").splitlines() == ["姓名,角色", "student001,学生", "teacher,教师"]
    store = AccountStore(tmp_path / "private" / "accounts.json")
    assert verify_password("load-test-1", store.get("student001").password_hash)
    assert store.get("teacher").admin and not store.get("teacher").code
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o700
