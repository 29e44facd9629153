"""The ``govlib`` command line (typer)."""

from __future__ import annotations

from pathlib import Path

import typer

from govlib import __version__, paths
from govlib.publish.cli import build
from govlib.grading.cli import collect, grade, key

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="govlib: build and check the 党建引领社区治理 course.")
data_app = typer.Typer(no_args_is_help=True, help="Check the register of published figures.")
app.add_typer(data_app, name="data")
app.command("build")(build)
app.command("grade")(grade)
app.command("collect")(collect)
app.command("key")(key)


def _version(flag: bool) -> None:
    if flag:
        typer.echo(f"govlib {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    """govlib command line."""


@app.command("student")
def student(lesson: str = typer.Argument(None, help="课程编号，如 quanzhou-survey（见 course/course.yml）。"),
            set_name: str = typer.Option("default", "--set", help="参数集名称（默认 default）。"),
            folder: Path = typer.Option(Path("."), "--dir", help="写到哪个文件夹（默认当前文件夹）。"),
            all_lessons: bool = typer.Option(False, "--all", help="领取全部课程（各课的 default 参数集）。"),
            overwrite: bool = typer.Option(False, "--overwrite", help="覆盖已有的同名笔记本。"),
            student_name: str = typer.Option(None, "--student", help="学生名：写入这名学生的专属数字（需要课程密钥）。")) -> None:
    """领取一课的学生笔记本：写入当前文件夹（或 --dir），连同笔记本提到的课程文件。"""
    from govlib.errors import GovlibError
    from govlib.student import lesson_choices, write_student

    try:
        if all_lessons == (lesson is not None):
            choices = "、".join(lesson_choices())
            typer.echo(f"错误：请给出一个课程编号，或用 --all 领取全部课程（二者选一）。可选的课：{choices}", err=True)
            raise typer.Exit(2)
        jobs = [(les, "default") for les in lesson_choices()] if all_lessons else [(lesson, set_name)]
        outs = [write_student(les, s, folder, overwrite=overwrite, student=student_name) for les, s in jobs]
    except GovlibError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
    for out in outs:
        typer.echo(f"已写入学生笔记本：{out.notebook}")
        for p in out.extras:
            typer.echo(f"  附带只读参考文件：{p}")
    typer.echo("在 JupyterLab 中打开笔记本，从上到下运行各单元格；每道练习运行 check(...) 即可看到反馈。")


@data_app.command("check")
def data_check(data: Path = typer.Option(paths.DATA, "--data", help="Folder with the register files."),
               frameworks: bool = typer.Option(True, help="Also validate data/frameworks/*.yaml.")) -> None:
    """Validate the register (and frameworks) and print a summary."""
    from rich.console import Console
    from rich.table import Table

    from govlib.data import Register, load_framework
    from govlib.errors import DataError

    console = Console(highlight=False)
    try:
        reg = Register(data)
        fws = []
        if frameworks:
            for p in sorted((Path(data) / "frameworks").glob("*.yaml")):
                fws.append(load_framework(p, register=reg))
    except DataError as exc:
        console.print(f"[bold red]data check failed[/]\n{exc}", soft_wrap=True)
        raise typer.Exit(1)
    figs = reg.figures
    t = Table(title=f"register: {len(figs)} figures")
    t.add_column("source")
    t.add_column("figures", justify="right")
    t.add_column("derived", justify="right")
    for sid in reg.sources["id"]:
        sub = figs[figs["source"] == sid]
        t.add_row(sid, str(len(sub)), str(int(sub["derived_from"].notna().sum())))
    console.print(t)
    u = Table(title="figures per unit")
    u.add_column("unit")
    u.add_column("figures", justify="right")
    for unit, n in figs["unit"].value_counts().sort_index().items():
        u.add_row(str(unit), str(n))
    console.print(u)
    q = figs["qualifier"].value_counts().sort_index()
    console.print("qualifiers: " + ", ".join(f"{k} {v}" for k, v in q.items()))
    derived = figs[figs["derived_from"].notna()]
    for rec in derived.to_dict("records"):
        console.print(f"derived: {rec['id']} = {rec['derived_from']}")
    if frameworks:
        console.print(f"frameworks: {len(fws)} valid ({', '.join(f.id for f in fws)})")
    console.print("[green]ok[/]")


if __name__ == "__main__":  # pragma: no cover
    app()
