"""The ``govlib build`` command (registered by ``govlib/cli.py``).

Kept import-light: the build modules load inside the function.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from govlib import paths


def build(
    out: Path = typer.Option(paths.BUILD, "--out", help="Output folder (default course/_build)."),
    lesson: Optional[List[str]] = typer.Option(None, "--lesson", help="Build only this lesson id (repeatable)."),
    jobs: Optional[int] = typer.Option(None, "-j", "--jobs", min=1,
                                       help="Lessons run side by side (default: the number of cores)."),
    force: bool = typer.Option(False, "--force", help="Re-execute every lesson even if nothing changed."),
    quiet: bool = typer.Option(False, "--quiet", help="Plain progress lines, finished jobs only."),
    syllabus: Path = typer.Option(paths.SYLLABUS, "--syllabus", hidden=True, help="Another syllabus file."),
    hub_url: Optional[str] = typer.Option(None, "--hub-url",
                                          help="JupyterHub address: the index links each lesson there (nbgitpuller)."),
    hub_repo: Optional[str] = typer.Option(None, "--hub-repo",
                                           help="Git repository nbgitpuller clones for the hub links (with --hub-url)."),
    hub_branch: str = typer.Option("main", "--hub-branch", help="Branch of --hub-repo."),
    cell_timeout: Optional[int] = typer.Option(None, "--cell-timeout", min=1,
                                               help="每个单元最多运行的秒数（默认 600）；超时则该课停止并指出是第几个单元。"),
) -> None:
    """Execute the lessons and render the offline course site (instructor and student editions)."""
    from rich.console import Console
    from rich.markup import escape

    from govlib.publish.runner import run_build
    from govlib.errors import GovlibError

    console = Console(highlight=False, soft_wrap=True)
    if bool(hub_url) != bool(hub_repo):
        console.print("[bold red]build stopped[/]: --hub-url 与 --hub-repo 须同时给出 "
                      "(--hub-url and --hub-repo go together: nbgitpuller needs the hub and the repository)")
        raise typer.Exit(2)
    hub = {"url": hub_url, "repo": hub_repo, "branch": hub_branch} if hub_url else None
    try:
        report = run_build(syllabus=syllabus, out=out, lessons=lesson or None, jobs=jobs, force=force,
                           quiet=quiet, console=console, hub=hub, cell_timeout=cell_timeout)
    except GovlibError as exc:
        console.print(f"[bold red]build stopped[/]: {escape(str(exc))}")
        raise typer.Exit(2)
    except KeyboardInterrupt:
        console.print("[bold red]build interrupted[/]: finished lessons were kept; no partial files were left")
        raise typer.Exit(130)
    if not report.ok:
        raise typer.Exit(1)
