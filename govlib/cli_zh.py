"""The command line's own words in Chinese: help layout, the help option, usage errors.

typer (which vendors its own click) prints its fixed words in English:
"Usage:", the panel titles, "[default: …]", "Show this message and exit.",
"Missing option …", "No such command …".  This module gives them in Chinese
without touching the commands themselves:

- :class:`ZhGroup` / :class:`ZhCommand` (typer's documented ``cls=`` hook)
  write the usage line as 「用法：」, give the help option Chinese help, show
  no ``<bool>`` for flags, Chinese type names for the rest, and turn usage
  errors into one Chinese line naming the option and the help command;
- :func:`install` sets typer's rich help strings (panel titles, default,
  required) once.

The typer names this relies on are checked by ``tests/test_cli_zh.py`` (a
canary: a typer upgrade that renames them fails there, not in a class).
"""

from __future__ import annotations

import difflib
import re
import sys

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["ZhCommand", "ZhGroup", "install", "zh_error", "suggest"]

#: typer's rich help strings (typer.rich_utils module constants) in Chinese
RICH_STRINGS = {
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "DEPRECATED_STRING": "（已弃用）",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
#: type names shown after an option, in Chinese
TYPE_ZH = {"<path>": "<路径>", "<str>": "<文字>", "<text>": "<文字>", "<int>": "<整数>", "<float>": "<数字>",
           "<bool>": "", "<file>": "<文件>", "<directory>": "<文件夹>"}
#: the usage line's placeholders
USAGE_WORDS = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
HELP_ZH = "显示本帮助并退出。"
USAGE_ZH = "用法："

_installed = False


def install() -> None:
    """Put the Chinese help strings into typer's help renderer (idempotent)."""
    global _installed
    if _installed:
        return
    from typer import rich_utils

    for name, text in RICH_STRINGS.items():
        setattr(rich_utils, name, text)
    _installed = True


def suggest(word: str, choices, cutoff: float = 0.6) -> str:
    """「您是不是要找：…？」 with the choices closest to *word*, or ``""``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=3, cutoff=cutoff)
    return f"您是不是要找：{'、'.join(close)}？" if close else ""


class _ZhMixin:
    def format_usage(self, ctx, formatter) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))
        for en, zh in USAGE_WORDS.items():
            pieces = pieces.replace(en, zh)
        formatter.write_usage(ctx.command_path, pieces, prefix=USAGE_ZH)

    def get_help_option(self, ctx):
        opt = super().get_help_option(ctx)
        if opt is not None:
            opt.help = HELP_ZH
            opt.metavar = ""
        return opt

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for p in params:
            kind = getattr(p, "param_type_name", "")
            if kind == "option" and p.metavar is None:
                p.metavar = _type_zh(p.display_type_rich(ctx=ctx))
            elif kind == "argument" and "display_type_rich" not in vars(p):
                shown = _type_zh(type(p).display_type_rich(p, ctx=ctx))
                p.display_type_rich = lambda ctx=None, _shown=shown: _shown  # the type column only
        return params


def _type_zh(shown: str | None) -> str:
    shown = shown or ""
    return TYPE_ZH.get(shown, shown).replace("list[str]", "文字，可重复").replace("int range", "整数").replace(
        "float range", "数字")


class ZhCommand(_ZhMixin, TyperCommand):
    """A typer command whose help and usage errors are in Chinese."""


class ZhGroup(_ZhMixin, TyperGroup):
    """The ``govlib`` group: Chinese help, Chinese usage errors, 「您是不是要找」 for a mistyped command."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode: bool = True, **extra):
        install()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from typer._click.exceptions import ClickException

        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ClickException as exc:
            if type(exc).__name__ != "NoArgsIsHelpError":  # that one has printed the help already
                typer.echo(zh_error(exc), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("已中止。", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)

    def resolve_command(self, ctx, args):
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            raise _NoCommand(name, suggest(name, self.list_commands(ctx)), ctx)
        return super().resolve_command(ctx, args)


class _NoCommand(typer.BadParameter):
    def __init__(self, name: str, hint: str, ctx):
        super().__init__(f"没有命令“{name}”。{hint}", ctx=ctx)
        self.zh = self.message


# typer's English messages (they are f-strings in typer/_click and typer/_param_types), in Chinese
_MESSAGES = [
    (re.compile(r"^Input should be a valid (integer|number|boolean)\b.*$"), r"应是一个{}。"),
    (re.compile(r"^'?(.*?)'? is not a valid (integer|float|boolean|int)\.?$"), r"“\1”不是有效的{}。"),
    (re.compile(r"^Value '?(.*?)'? is not a valid (integer|float|boolean|int|str)\.?$"), r"“\1”不是有效的{}。"),
    (re.compile(r"^'?(.*?)'? is not one of (.*)\.$"), r"“\1”不是可选值之一：\2。"),
    (re.compile(r"^(.*) is not in the range (.*)\.$"), r"\1 不在允许的范围 \2 内。"),
    (re.compile(r"^(File|Directory|Path) '(.*)' does not exist\.$"), r"{}“\2”不存在。"),
    (re.compile(r"^(File|Directory|Path) '(.*)' is a file\.$"), r"{}“\2”是一个文件，这里要的是文件夹。"),
    (re.compile(r"^(File|Directory|Path) '(.*)' is a directory\.$"), r"{}“\2”是一个文件夹，这里要的是文件。"),
    (re.compile(r"^(File|Directory|Path) '(.*)' is not readable\.$"), r"{}“\2”不可读。"),
    (re.compile(r"^(File|Directory|Path) '(.*)' is not writable\.$"), r"{}“\2”不可写。"),
    (re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"), r"多余的参数：\1。"),
    (re.compile(r"^Option '(.*)' requires an argument\.$"), r"选项 \1 需要一个值。"),
    (re.compile(r"^Option '(.*)' requires (.*)$"), r"选项 \1 需要一个值。"),
    (re.compile(r"^Option '(.*)' does not take a value\.$"), r"选项 \1 不带值。"),
]
_WORDS = {"integer": "整数", "int": "整数", "float": "数字", "number": "数字", "boolean": "是否值", "str": "文字",
          "File": "文件", "Directory": "文件夹", "Path": "路径"}


def _zh_message(msg: str) -> str:
    msg = str(msg).strip()
    for pattern, repl in _MESSAGES:
        m = pattern.match(msg)
        if m:
            word = next((_WORDS[g] for g in m.groups() if g in _WORDS), "")
            return m.expand(repl).replace("{}", word)
    return msg


def _hint(exc) -> str:
    names = getattr(exc, "param_hint", None)
    if names is None and getattr(exc, "param", None) is not None:
        p = exc.param
        names = (list(getattr(p, "opts", ())) if getattr(p, "param_type_name", "") == "option"
                 else [p.metavar or p.name])
    if isinstance(names, str):
        names = [names]
    return " / ".join(str(n).strip("'") for n in names or ())


def zh_error(exc) -> str:
    """A usage error (typer's English) as Chinese lines: what is wrong, and how to see the help."""
    from typer._click.exceptions import BadParameter, MissingParameter, NoSuchOption

    if getattr(exc, "zh", None):
        text = exc.zh
    elif isinstance(exc, MissingParameter):
        kind = {"argument": "参数", "option": "选项"}.get(getattr(exc.param, "param_type_name", ""), "参数")
        text = f"缺少{kind} {_hint(exc)}。"
    elif isinstance(exc, NoSuchOption):
        text = f"没有选项 {exc.option_name}。"
        cmd = getattr(exc.ctx, "command", None) if exc.ctx is not None else None
        opts = [o for p in (cmd.params if cmd else ()) for o in getattr(p, "opts", ())] + ["--help"]
        hint = suggest(exc.option_name, opts) or (
            f"您是不是要找：{'、'.join(sorted(exc.possibilities))}？" if exc.possibilities else "")
        text += hint
    elif isinstance(exc, BadParameter):
        hint = _hint(exc)
        text = f"{hint} 的值不对：{_zh_message(exc.message)}" if hint else f"值不对：{_zh_message(exc.message)}"
    else:
        text = _zh_message(getattr(exc, "message", str(exc)))
    ctx = getattr(exc, "ctx", None)
    where = f"运行「{ctx.command_path} --help」查看用法。" if ctx is not None else "运行「govlib --help」查看用法。"
    return f"错误：{text}\n{where}"
