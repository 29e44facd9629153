"""The hub's login: roster names only, a one-time code then an own password, a lockout on guessing.

The form has JupyterHub's optional second field (``request_otp``), labelled 「新密码」: at the first
login a student types the one-time code from the instructor as the password and chooses a new
password there; later it changes the password.  After ``max_failures`` wrong passwords in a row a
name is locked for ``lockout_seconds``; every wrong password also waits ``failure_delay`` seconds.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from pathlib import Path

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Float, Integer, Unicode

from .accounts import AccountStore, check_new_password, hash_password, normalize_name, verify_password


class RosterAuthenticator(Authenticator):
    """Log in with a roster name and that person's own password."""

    accounts_file = Unicode(help="the account store (JSON, mode 0600) written at hub start").tag(config=True)
    max_failures = Integer(5, help="wrong passwords in a row before a name is locked").tag(config=True)
    lockout_seconds = Float(300, help="how long a locked name waits").tag(config=True)
    failure_delay = Float(1.0, help="seconds each wrong password waits before the answer").tag(config=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._failures: dict[str, list[float]] = {}   # name -> [count, locked_until]

    def normalize_username(self, username: str) -> str:
        return normalize_name(username)

    def _store(self) -> AccountStore:
        return AccountStore(Path(self.accounts_file))

    def _locked(self, name: str) -> float:
        count, until = self._failures.get(name, [0, 0.0])
        return max(0.0, until - time.monotonic())

    async def _fail(self, name: str) -> None:
        entry = self._failures.setdefault(name, [0, 0.0])
        entry[0] += 1
        if entry[0] >= self.max_failures:
            entry[0], entry[1] = 0, time.monotonic() + self.lockout_seconds
            self.log.warning("login for %r locked for %.0f s after %d wrong passwords", name,
                             self.lockout_seconds, self.max_failures)
        await asyncio.sleep(self.failure_delay)

    async def authenticate(self, handler, data):
        name = self.normalize_username(data.get("username", ""))
        password = data.get("password", "")
        new = data.get("otp", "") or ""
        wait = self._locked(name)
        if wait:
            raise web.HTTPError(403, f"「{name}」连续 {self.max_failures} 次密码错误，登录已暂停，"
                                     f"请 {int(wait // 60) + 1} 分钟后再试，或请老师为你重置密码。")
        store = self._store()
        acct = store.get(name)
        if acct is None:
            await self._fail(name)
            return None
        if acct.password_hash:
            ok = verify_password(password, acct.password_hash)
        else:
            ok = bool(acct.code) and hmac.compare_digest(password.encode(), acct.code.encode())
            if ok and not new:
                raise web.HTTPError(403, "首次登录：请在「新密码」一栏设置你自己的密码，"
                                         "密码栏仍填老师发给你的首次登录码。")
        if not ok:
            await self._fail(name)
            return None
        if new:
            problem = check_new_password(acct, new)
            if problem:
                raise web.HTTPError(400, problem)
            acct.password_hash, acct.code = hash_password(new), ""
            store.save()
            self.log.info("password set for %r", name)
        self._failures.pop(name, None)
        return {"name": acct.name, "admin": acct.admin}
