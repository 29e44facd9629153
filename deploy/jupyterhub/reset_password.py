"""Give a student who forgot their password a new one-time code (run as root, hub may be running).

    sudo .venv/bin/python deploy/jupyterhub/reset_password.py 张三 [--dir /srv/govlib-hub]

The old password stops working at once; the student logs in with the new code and sets a new
password, as at the first login.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from govlib_hub.accounts import AccountStore, RosterError  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="为忘记密码的学生重新生成首次登录码。")
    ap.add_argument("name", help="名单上的姓名")
    ap.add_argument("--dir", default=os.environ.get("GOVLIB_HUB_DIR", "/srv/govlib-hub"),
                    help="课堂服务器的状态文件夹（默认 GOVLIB_HUB_DIR 或 /srv/govlib-hub）")
    args = ap.parse_args(argv)
    store_file = Path(args.dir) / "private" / "accounts.json"
    if not store_file.exists():
        print(f"找不到账户文件 {store_file}：课堂服务器是否在这个文件夹启动过？", file=sys.stderr)
        return 1
    try:
        store = AccountStore(store_file)
        code = store.reset(args.name)
    except PermissionError:
        print(f"无法读写 {store_file}：请以 root 身份运行。", file=sys.stderr)
        return 1
    except RosterError as exc:
        print(exc, file=sys.stderr)
        return 1
    store.write_codes(store_file.with_name("first-login-codes.csv"))
    print(f"「{store.get(args.name).name}」的新首次登录码：{code}（旧密码已失效）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
