"""The ``govlib`` command line (typer), in Chinese (see :mod:`govlib.cli_zh` for typer's own words)."""

from __future__ import annotations

from pathlib import Path

import typer

from govlib import __version__, paths
from govlib.cli_zh import ZhCommand, ZhGroup, install
from govlib.grading.cli import collect, grade, key
from govlib.publish.cli import build

install()
app = typer.Typer(cls=ZhGroup, add_completion=False, no_args_is_help=True,
                  help="govlib：党建引领社区治理课程的命令行。学生用 student 领取笔记本；"
                       "教师用 build 构建课程网站、grade 评分、data check 检查数字登记表。")
data_app = typer.Typer(cls=ZhGroup, no_args_is_help=True, help="检查数字登记表（文章公布的数字）。")
app.add_typer(data_app, name="data")
app.command("build", cls=ZhCommand)(build)
app.command("grade", cls=ZhCommand)(grade)
app.command("collect", cls=ZhCommand)(collect)
app.command("key", cls=ZhCommand)(key)


def _version(flag: bool) -> None:
    if flag:
        typer.echo(f"govlib {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="显示版本号并退出。")) -> None:
    """govlib：党建引领社区治理课程的命令行。"""


def _root_problem() -> str | None:
    """A Chinese sentence when GOVLIB_ROOT points where there is no course, else None."""
    if paths.ROOT_KIND == "env" and not ((paths.ROOT / "data" / "figures.csv").is_file()
                                         and (paths.ROOT / "course" / "course.yml").is_file()):
        return (f"环境变量 GOVLIB_ROOT 指向“{paths.ROOT}”，那里没有课程文件（需要 data/figures.csv 和 "
                "course/course.yml）。请把它改成课程文件夹，或删除这个变量以使用随 govlib 安装的课程。")
    return None


@app.command("student", cls=ZhCommand)
def student(lesson: str = typer.Argument(None, show_default=False, metavar="课",
                                         help="要领取的课：课程编号（如 quanzhou-survey）或课名（如“泉州问卷”），"
                                              "照老师给的写。"),
            set_name: str = typer.Option("default", "--set", help="老师指定的参数集名称。"),
            folder: Path = typer.Option(Path("."), "--dir", show_default="当前文件夹",
                                        help="把笔记本写到哪个文件夹。"),
            all_lessons: bool = typer.Option(False, "--all", help="领取全部课程（各课的 default 参数集）；"
                                             "可以重复运行：只补上缺少的笔记本，已有的一个也不动。"),
            overwrite: bool = typer.Option(False, "--overwrite", help="重新领取已有的笔记本：旧文件先改名保存"
                                           "（“课程编号.旧-日期时间.ipynb”），不会丢失作答。"),
            student_name: str = typer.Option(None, "--student", help="学生名：写入这名学生的专属数字（需要课程密钥）。")) -> None:
    """领取学生笔记本：写进当前文件夹（或 --dir 指定的文件夹），连同笔记本里提到的只读参考文件。

    不带参数运行 govlib student --help 可看到全部选项；不知道课程编号时，随便写一个，
    govlib 会列出全部的课。
    """
    from govlib.errors import GovlibError
    from govlib.student import lesson_choices, lesson_label, resolve_lesson, write_student

    problem = _root_problem()
    if problem:
        typer.echo(f"错误：{problem}", err=True)
        raise typer.Exit(2)
    try:
        if all_lessons == (lesson is not None):
            choices = "、".join(lesson_choices())
            typer.echo(f"错误：请给出一课（课程编号或课名），或用 --all 领取全部课程（二者选一）。可选的课：{choices}",
                       err=True)
            raise typer.Exit(2)
        if all_lessons:
            jobs = [(les, "default") for les in lesson_choices()]
        else:
            les, note = resolve_lesson(lesson)
            if note:
                typer.echo(note)
            jobs = [(les, set_name)]
        for les, s in jobs:
            out = write_student(les, s, folder, overwrite=overwrite, keep_existing=all_lessons and not overwrite,
                                student=student_name)
            typer.echo(out.summary_zh(lesson_label(les)))
    except GovlibError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
    typer.echo("在 JupyterLab 中打开笔记本，从上到下运行各单元格；每道练习运行 check(...) 即可看到反馈。")


@data_app.command("check", cls=ZhCommand)
def data_check(data: Path = typer.Option(paths.DATA, "--data", show_default="课程自带的 data 文件夹",
                                         help="登记表所在的文件夹（含 sources.csv、figures.csv 等）。"),
               frameworks: bool = typer.Option(True, "--frameworks/--no-frameworks", show_default="检查",
                                               help="同时检查 data/frameworks/*.yaml 框架文件。")) -> None:
    """检查数字登记表（以及框架文件）并列出摘要；有错时指出文件、行和字段。"""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from govlib.data import Register, load_framework
    from govlib.errors import DataError

    console = Console(highlight=False, soft_wrap=True)
    problem = _root_problem() if data == paths.DATA else None
    if problem is None:
        problem = _folder_problem(Path(data))
    if problem:
        console.print(f"[bold red]检查未通过[/]\n{escape(problem)}", soft_wrap=True)
        raise typer.Exit(1)
    try:
        reg = Register(data)
        fws = []
        if frameworks:
            for p in sorted((Path(data) / "frameworks").glob("*.yaml")):
                fws.append(load_framework(p, register=reg))
    except DataError as exc:
        console.print(f"[bold red]检查未通过[/]\n{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(1)
    except OSError as exc:
        console.print(f"[bold red]检查未通过[/]\n无法读取“{escape(str(exc.filename or data))}”："
                      f"{escape(exc.strerror or str(exc))}", soft_wrap=True)
        raise typer.Exit(1)
    figs = reg.figures
    t = Table(title=f"登记表：共 {len(figs)} 个数字")
    t.add_column("来源")
    t.add_column("数字", justify="right")
    t.add_column("其中推算", justify="right")
    for sid in reg.sources["id"]:
        sub = figs[figs["source"] == sid]
        t.add_row(sid, str(len(sub)), str(int(sub["derived_from"].notna().sum())))
    console.print(t)
    u = Table(title="各单位的数字个数")
    u.add_column("单位")
    u.add_column("数字", justify="right")
    for unit, n in figs["unit"].value_counts().sort_index().items():
        u.add_row(str(unit), str(n))
    console.print(u)
    q = figs["qualifier"].value_counts().sort_index()
    console.print("限定词：" + "，".join(f"{k} {v} 个" for k, v in q.items()))
    derived = figs[figs["derived_from"].notna()]
    for rec in derived.to_dict("records"):
        console.print(f"推算：{rec['id']} = {rec['derived_from']}")
    if frameworks:
        console.print(f"框架文件：{len(fws)} 个有效（{'、'.join(f.id for f in fws)}）")
    console.print("[green]通过[/]")


def _folder_problem(folder: Path) -> str | None:
    """A Chinese sentence when *folder* cannot be the register's folder, else None."""
    if not folder.exists():
        return f"文件夹“{folder}”不存在（--data 应指向登记表所在的文件夹）。"
    if not folder.is_dir():
        return f"“{folder}”是一个文件，不是文件夹（--data 应指向登记表所在的文件夹）。"
    if not (folder / "figures.csv").is_file():
        return f"文件夹“{folder}”里没有 figures.csv，它不是登记表的文件夹。"
    return None


if __name__ == "__main__":  # pragma: no cover
    app()
