"""Build progress: plain lines (``--quiet``, logs, CI) or a live rich table in a terminal."""

from __future__ import annotations

import sys
import time

__all__ = ["PlainProgress", "RichProgress", "make_progress"]



#: a job's state in Chinese (the build log and the live table)
STATE_ZH = {"queued": "排队", "running": "运行中", "executed": "完成", "cached": "沿用缓存", "failed": "失败"}


class PlainProgress:
    """Plain progress lines, for --quiet and for output that is not a terminal."""

    def __init__(self, total: int, quiet: bool, stream=None):
        self.total, self.quiet, self.n = total, quiet, 0
        self.stream = stream or sys.stdout

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def cached(self, key: str) -> None:
        if not self.quiet:
            self._print(f"[沿用缓存] {key}")

    def start(self, key: str) -> None:
        if not self.quiet:
            self._print(f"[开始运行] {key}")

    def done(self, key: str, status: str, seconds: float, note: str = "") -> None:
        self.n += 1
        self._print(f"[{self.n}/{self.total}] {key} {STATE_ZH.get(status, status)}，用时 {seconds:.1f} 秒"
                    + (f"：{note}" if note else ""))

    def index(self, written: bool) -> None:
        if not self.quiet:
            self._print("[课程首页] " + ("已写入" if written else "没有变化"))


class RichProgress:
    """A live table (rich): each lesson x set with its state and time."""

    LABELS = {"queued": "[dim]", "running": "[yellow]", "executed": "[green]", "cached": "[cyan]", "failed": "[bold red]"}
    LABELS = {k: style + STATE_ZH[k] for k, style in LABELS.items()}

    def __init__(self, keys: list[str], console):
        self.console = console
        self.state = {k: "queued" for k in keys}
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        self.live = None

    def _table(self):
        from rich.table import Table

        t = Table(title="govlib 构建", expand=False)
        t.add_column("课程/参数集")
        t.add_column("状态")
        t.add_column("用时", justify="right")
        now = time.monotonic()
        for k, st in self.state.items():
            secs = self.seconds.get(k, now - self.started[k] if k in self.started else None)
            t.add_row(k, self.LABELS[st] + (f" [dim]{self.notes[k]}" if k in self.notes else ""),
                      "" if secs is None else f"{secs:.1f} 秒")
        return t

    def __enter__(self):
        from rich.live import Live

        self.live = Live(get_renderable=self._table, console=self.console, refresh_per_second=4, transient=False)
        self.live.__enter__()
        return self

    def __exit__(self, *exc):
        self.live.update(self._table(), refresh=True)
        return self.live.__exit__(*exc)

    def cached(self, key: str) -> None:
        self.state[key] = "cached"
        self.seconds[key] = 0.0

    def start(self, key: str) -> None:
        self.state[key] = "running"
        self.started[key] = time.monotonic()

    def done(self, key: str, status: str, seconds: float, note: str = "") -> None:
        self.state[key] = status
        self.seconds[key] = seconds
        if note:
            self.notes[key] = note[:60]

    def index(self, written: bool) -> None:
        pass


def make_progress(keys: list[str], n_jobs: int, console, quiet: bool):
    """A live table when *console* is a terminal and there is work, else plain lines."""
    if console.is_terminal and not quiet and n_jobs:
        return RichProgress(keys, console)
    return PlainProgress(n_jobs, quiet, stream=console.file)
