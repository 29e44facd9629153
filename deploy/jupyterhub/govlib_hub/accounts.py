"""Roster accounts: who may log in, their role, their uid, and their password hash.

The instructor writes a roster (CSV, one person a row)::

    姓名,角色
    teacher,教师
    zhangsan,学生

Each new name gets a one-time code (written for the instructor to ``first-login-codes.csv`` in the
hub's private folder, readable by root only) and an unprivileged uid of its own (from 52000, never
one that ``/etc/passwd`` uses).  At first login the student types the code as the password and
chooses a new password; only a scrypt hash of it is kept.  The store is a JSON file mode 0600.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import pwd
import re
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

ROLES = {"学生": "student", "student": "student", "教师": "admin", "老师": "admin",
         "teacher": "admin", "admin": "admin"}
MIN_PASSWORD = {"student": 8, "admin": 12}
_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"   # no 0/o, 1/l/i: read off a printed slip
_BAD_NAME = re.compile(r"[/\\\x00-\x1f\x7f\s]|^\.|^$")


class RosterError(ValueError):
    """A roster or account problem, with a Chinese message naming the file and row."""


def normalize_name(name: str) -> str:
    """The account name as the hub compares it: NFKC (full-width letters fold), stripped, lower case."""
    return unicodedata.normalize("NFKC", name).strip().lower()


@dataclass
class Account:
    """One person on the roster."""

    name: str
    role: str                 # "student" or "admin"
    uid: int
    password_hash: str = ""   # scrypt$n$r$p$salt$hash, empty until the first login
    code: str = ""            # the one-time first-login code, cleared once a password is set

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str, *, n: int = 2**14, r: int = 8, p: int = 1) -> str:
    """Return a salted scrypt hash of *password* (stdlib :func:`hashlib.scrypt`)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)
    return f"scrypt${n}${r}${p}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """True when *password* matches the hash *stored* (constant-time comparison)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                         p=int(p), dklen=32)
    return hmac.compare_digest(got.hex(), digest)


def check_new_password(account: Account, new: str) -> str | None:
    """A Chinese reason why *new* is not acceptable for *account*, or None when it is."""
    need = MIN_PASSWORD[account.role]
    who = "教师账号" if account.admin else "学生账号"
    if len(new) < need:
        return f"新密码太短：{who}的密码至少需要 {need} 个字符（现在 {len(new)} 个）。"
    if account.code and new == account.code:
        return "新密码不能与首次登录码相同，请另设一个只有你知道的密码。"
    if new.strip() != new:
        return "新密码的开头和结尾不能是空格。"
    return None


def read_roster(path: Path) -> list[tuple[str, str]]:
    """Read the roster CSV: a list of (normalised name, role); Chinese errors name the file and row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"找不到学生名单 {path}：请先写好名单（每行一个人：姓名,角色）再启动。") from None
    except UnicodeDecodeError:
        raise RosterError(f"学生名单 {path} 不是 UTF-8 编码：请用 UTF-8 另存后再启动。") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [h.strip().lower() for h in rows[0][:2]] not in (["姓名", "角色"], ["name", "role"]):
        raise RosterError(f"学生名单 {path} 第1行应为表头「姓名,角色」（或 name,role）。")
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        raw = row[0]
        name = normalize_name(raw)
        role_raw = (row[1] if len(row) > 1 else "学生").strip() or "学生"
        if _BAD_NAME.search(name) or len(name) > 64:
            raise RosterError(f"学生名单 {path} 第{i}行：姓名「{raw}」不能为空、不能含空格、斜杠或控制字符，"
                              "也不能以点开头（最多64个字符）。")
        role = ROLES.get(role_raw.lower())
        if role is None:
            raise RosterError(f"学生名单 {path} 第{i}行：角色「{role_raw}」无法识别，只能是「学生」或「教师」。")
        if name in seen:
            raise RosterError(f"学生名单 {path} 第{i}行：姓名「{raw}」与第{seen[name]}行重复"
                              "（全角、半角和大小写视为同一个名字）。")
        seen[name] = i
        out.append((name, role))
    if not out:
        raise RosterError(f"学生名单 {path} 里没有任何人：请至少写一行（姓名,角色）。")
    return out


class AccountStore:
    """The accounts of one hub, kept in a JSON file only root can read (mode 0600)."""

    def __init__(self, path: Path, uid_base: int = 52000):
        self.path = Path(path)
        self.uid_base = uid_base
        self.accounts: dict[str, Account] = {}
        self.next_uid = uid_base      # never goes down: a removed name's uid (and files) stay its own
        if self.path.exists():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.accounts = {a["name"]: Account(**a) for a in data["accounts"]}
            self.next_uid = max(data.get("next_uid", uid_base), uid_base)

    def get(self, name: str) -> Account | None:
        return self.accounts.get(normalize_name(name))

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"next_uid": self.next_uid, "accounts": [asdict(a) for a in self.accounts.values()]},
                      f, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    def _free_uid(self) -> int:
        """The next uid never given before and not in ``/etc/passwd`` (uids are never reused)."""
        used = {a.uid for a in self.accounts.values()}
        uid = max(self.next_uid, max(used, default=self.uid_base - 1) + 1)
        while True:
            try:
                pwd.getpwuid(uid)          # a system account already has it: skip
            except KeyError:
                self.next_uid = uid + 1
                return uid
            uid += 1

    def sync(self, roster: list[tuple[str, str]]) -> None:
        """Add new roster names (uid + one-time code); update roles; keep removed names' files but not
        their logins (they are dropped from the store)."""
        names = {n for n, _ in roster}
        for gone in set(self.accounts) - names:
            del self.accounts[gone]
        for name, role in roster:
            acct = self.accounts.get(name)
            if acct is None:
                self.accounts[name] = Account(name=name, role=role, uid=self._free_uid(),
                                              code=new_code())
            else:
                acct.role = role
        self.save()

    def reset(self, name: str) -> str:
        """Forget *name*'s password and give a new one-time code (for a student who forgot theirs)."""
        acct = self.get(name)
        if acct is None:
            raise RosterError(f"名单里没有「{name}」。")
        acct.password_hash, acct.code = "", new_code()
        self.save()
        return acct.code

    def write_codes(self, path: Path) -> None:
        """The instructor's slip list: names still waiting for their first login, with their codes."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["姓名", "角色", "首次登录码"])
            for a in self.accounts.values():
                if a.code:
                    w.writerow([a.name, "教师" if a.admin else "学生", a.code])


def new_code(length: int = 10) -> str:
    """A one-time first-login code (letters and digits that cannot be misread)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))


def seed(hub_dir: Path, people: dict[str, tuple[str, str]]) -> Path:
    """Write a roster and accounts with passwords already set, before the hub starts (load tests).

    Parameters
    ----------
    hub_dir : Path
        The hub's state folder (``GOVLIB_HUB_DIR``); ``roster.csv`` and ``private/accounts.json``
        are written there.
    people : dict
        ``{name: (role, password)}`` with role ``学生`` or ``教师``.

    Returns
    -------
    Path
        The roster file, for ``GOVLIB_HUB_ROSTER``.
    """
    hub_dir = Path(hub_dir)
    private = hub_dir / "private"
    private.mkdir(parents=True, exist_ok=True)
    private.chmod(0o700)
    roster = hub_dir / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "角色"])
        w.writerows([name, role] for name, (role, _) in people.items())
    store = AccountStore(private / "accounts.json")
    store.sync(read_roster(roster))
    for name, (_, password) in people.items():
        acct = store.get(name)
        acct.password_hash, acct.code = hash_password(password), ""
    store.save()
    return roster
