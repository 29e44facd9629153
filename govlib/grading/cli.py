"""The ``govlib grade`` command (registered in :mod:`govlib.cli`).

Import-light: only typer and pathlib load with this module; grading loads
nbclient, matplotlib and the exercise banks when the command runs.
"""

from __future__ import annotations

import math
from pathlib import Path

import typer

__all__ = ["grade", "collect", "key"]


def _seconds(value: float) -> float:
    if value is None:
        return value
    if not math.isfinite(value) or not 0 < value <= 3600:
        raise typer.BadParameter(f"必须是 0 到 3600 之间的有限秒数（收到 {value}）。")
    return value


def _jobs(value: int) -> int:
    if not 0 <= value <= 64:
        raise typer.BadParameter(f"必须是 0 到 64 之间的整数，0 表示每核一个（收到 {value}）。")
    return value


def grade(submissions: Path = typer.Argument(..., metavar="作业文件夹", help="学生交回的笔记本所在的文件夹"
                                             "（每人一个文件，以学生姓名命名；不会被改动）。"),
          lesson: str = typer.Option(..., "--lesson", "-l", help="课程编号，如 quanzhou-survey。"),
          out: Path = typer.Option(None, "--out", "-o", show_default="作业文件夹旁的 grades-<课程编号>",
                                   help="输出文件夹，不能在作业文件夹之内。"),
          jobs: int = typer.Option(0, "--jobs", "-j", callback=_jobs, help="同时运行的笔记本数（0 表示每核一个）。"),
          timeout: float = typer.Option(60.0, "--timeout", callback=_seconds,
                                        help="每个笔记本最多运行的秒数（0 < t <= 3600）。"),
          set_name: str = typer.Option("default", "--set", help="发给学生的参数集。"),
          build: Path = typer.Option(None, "--build", show_default="按课程大纲中的参数集",
                                     help="构建文件夹：按其中 manifest.json 记录的发放版本评分。"),
          syllabus: Path = typer.Option(None, "--syllabus", show_default="course/course.yml",
                                        help="课程大纲文件。"),
          unsafe_no_sandbox: bool = typer.Option(False, "--unsafe-no-sandbox",
                                                 help="危险：不经 bubblewrap 沙箱、以你自己的权限"
                                                      "运行学生的代码。"),
          deadline: str = typer.Option(None, "--deadline", help="截止时间（ISO 格式，如 2026-12-07T18:00）："
                                       "修改时间晚于它的作业在成绩册中标为迟交。"),
          manual: Path = typer.Option(None, "--manual", show_default="输出文件夹中的 manual.csv",
                                      help="讨论题人工评分表（CSV 或 xlsx）；教师填写的分数在下次评分时并入，永不覆盖。"),
          release: Path = typer.Option(None, "--release", help="把每名学生的反馈页和批注笔记本发回到此文件夹下的"
                                       "“学生名/反馈/”中（可直接用 JupyterHub 的家目录文件夹）。")) -> None:
    """给交回的学生笔记本评分，写出 scores.csv、files.csv、summary.html、rubric.md、成绩册和每人的反馈。

    每个笔记本在各自的 bubblewrap 沙箱里运行；答案取自其中的 ans_… 变量，
    由 govlib 按发放时的参数评分，从不采用学生笔记本里的数值。文件夹中的每一项
    都会列入报告；一个坏文件不会挡住其他文件；按 Ctrl-C 仍会写出部分报告。
    """
    from govlib.errors import ParameterError
    from govlib.grading.collect import STATUS_ZH
    from govlib.grading.hub import parse_deadline
    from govlib.grading.pipeline import grade_folder

    def done(sub) -> None:
        typer.echo(f"  {sub.file}: {STATUS_ZH.get(sub.status, sub.status)} ({sub.seconds:.1f} 秒)")

    if unsafe_no_sandbox:
        typer.echo("警告：--unsafe-no-sandbox：学生代码将不经沙箱、以你的权限运行！", err=True)
    typer.echo(f"评分 {submissions}（课程 {lesson}，参数集 {set_name}）……")
    try:
        res = grade_folder(submissions, lesson, out=out, jobs=jobs, timeout=timeout, on_done=done,
                           set_name=set_name, syllabus=syllabus, build=build, sandbox=not unsafe_no_sandbox,
                           deadline=parse_deadline(deadline), manual=manual, release=release)
    except ParameterError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
    ran = sum(1 for s in res.submissions if s.ran)
    typer.echo(f"共 {len(res.submissions)} 个条目，{ran} 个笔记本已运行并评分，"
               f"{sum(1 for s in res.submissions if s.problems)} 个有问题或提醒")
    for st in res.stats:
        rate = f"{st.rate:.0%}" if st.rate is not None else "-"
        typer.echo(f"  {st.exercise}：{st.correct}/{st.graded} 正确（{rate}）")
    for name, path in res.paths.items():
        typer.echo(f"已写入 {path}")
    pending = sum(len(t.pending) for t in res.totals)
    if pending:
        typer.echo(f"讨论题还有 {pending} 份待人工评分：在 {res.paths['manual']} 的 points 列填分后重新运行本命令")
    if release is not None:
        typer.echo(f"已把反馈发回 {len(res.released)} 个文件到 {release}")
    if res.interrupted:
        typer.echo("评分被中断：报告不完整。", err=True)
        raise typer.Exit(130)


def collect(lesson: str = typer.Argument(..., help="课程编号，如 quanzhou-survey。"),
            hub_dir: Path = typer.Option(..., "--hub-dir", help="JupyterHub 的家目录文件夹（每名学生一个子文件夹）；只读取，从不改动。"),
            out: Path = typer.Option(None, "--out", "-o", show_default="当前文件夹下的 submissions-<课程编号>", help="收取到的作业文件夹。"),
            deadline: str = typer.Option(None, "--deadline", help="截止时间（ISO 格式，如 2026-12-07T18:00）：晚于它修改的笔记本标为迟交。"),
            set_name: str = typer.Option("default", "--set", help="发放的参数集（默认 default）。")) -> None:
    """从 JupyterHub 各学生的家目录收取一课的笔记本，放进以学生命名的作业文件夹（保留修改时间，标出迟交）。"""
    from govlib.errors import ParameterError
    from govlib.grading.hub import COLLECT_STATUS_ZH, collect_hub, log_path, parse_deadline

    dest = out if out is not None else Path(f"submissions-{lesson}")
    try:
        got = collect_hub(lesson, hub_dir, dest, set_name=set_name, deadline=parse_deadline(deadline))
    except ParameterError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
    for r in got:
        typer.echo(f"  {r.student}：{COLLECT_STATUS_ZH[r.status]}")
    n = sum(1 for r in got if r.dest is not None)
    typer.echo(f"共 {len(got)} 个家目录，收取 {n} 份笔记本到 {dest}（迟交 {sum(r.late for r in got)} 份）；"
               f"记录见 {log_path(dest)}")
    typer.echo(f"下一步：govlib grade {dest} --lesson {lesson}" + (f" --deadline {deadline}" if deadline else ""))


def key(lesson: str = typer.Argument(..., help="课程编号，如 quanzhou-survey。"),
        student: list[str] = typer.Option(..., "--student", help="学生名（与作业文件名相同）；可重复给出多名学生。"),
        set_name: str = typer.Option("default", "--set", help="发放的参数集（默认 default）。"),
        syllabus: Path = typer.Option(None, "--syllabus", show_default="course/course.yml", help="课程大纲文件。")) -> None:
    """教师用：给出某名学生这一课的专属数字和各题答案（按课程密钥算出，与评分所用完全一致）。"""
    from govlib.errors import ParameterError
    from govlib.grading.keys import student_key_text

    try:
        for name in student:
            typer.echo(student_key_text(lesson, name, set_name=set_name, syllabus=syllabus))
    except ParameterError as exc:
        typer.echo(f"错误：{exc}", err=True)
        raise typer.Exit(2)
