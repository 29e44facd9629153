"""The ``govlib build`` command (registered by ``govlib/cli.py``).

Kept import-light: the build modules load inside the function.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from govlib import paths


def build(
    out: Path = typer.Option(paths.BUILD, "--out", show_default="course/_build（不在仓库里时为 ./course_build）",
                              help="输出文件夹。"),
    lesson: Optional[List[str]] = typer.Option(None, "--lesson", help="只构建这一课（课程编号，可重复给出）。"),
    jobs: Optional[int] = typer.Option(None, "-j", "--jobs", min=1,
                                       show_default="CPU 核数",
                                       help="同时运行的课数。"),
    force: bool = typer.Option(False, "--force", help="即使没有改动，也重新运行每一课。"),
    quiet: bool = typer.Option(False, "--quiet", help="只输出简单的进度行（仅列出完成的课）。"),
    syllabus: Path = typer.Option(paths.SYLLABUS, "--syllabus", hidden=True, help="另一份课程大纲文件。"),
    hub_url: Optional[str] = typer.Option(None, "--hub-url",
                                          help="JupyterHub 地址：课程首页把每一课链接到那里（nbgitpuller）。"),
    hub_repo: Optional[str] = typer.Option(None, "--hub-repo",
                                           help="nbgitpuller 为这些链接克隆的 Git 仓库（与 --hub-url 一起给出）。"),
    hub_branch: str = typer.Option("main", "--hub-branch", help="--hub-repo 的分支。"),
    cell_timeout: Optional[int] = typer.Option(None, "--cell-timeout", min=1, show_default="600",
                                               help="每个单元最多运行的秒数；超时则该课停止并指出是第几个单元。"),
) -> None:
    """运行各课并生成离线课程网站（教师版与学生版）。"""
    from rich.console import Console
    from rich.markup import escape

    from govlib.publish.runner import run_build
    from govlib.errors import GovlibError

    console = Console(highlight=False, soft_wrap=True)
    if bool(hub_url) != bool(hub_repo):
        console.print("[bold red]构建已停止[/]：--hub-url 与 --hub-repo 须同时给出（nbgitpuller 既要知道 hub，也要知道仓库）。")
        raise typer.Exit(2)
    hub = {"url": hub_url, "repo": hub_repo, "branch": hub_branch} if hub_url else None
    try:
        report = run_build(syllabus=syllabus, out=out, lessons=lesson or None, jobs=jobs, force=force,
                           quiet=quiet, console=console, hub=hub, cell_timeout=cell_timeout)
    except GovlibError as exc:
        console.print(f"[bold red]构建已停止[/]：{escape(str(exc))}")
        raise typer.Exit(2)
    except KeyboardInterrupt:
        console.print("[bold red]构建被中断[/]：已完成的课都保留了，没有留下半成品文件。")
        raise typer.Exit(130)
    if not report.ok:
        raise typer.Exit(1)
