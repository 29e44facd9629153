"""Exceptions with messages that name the file, row, column or parameter at fault."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class GovlibError(Exception):
    """Base class of every error govlib raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place of one input file.

    Parameters
    ----------
    file : str
        The file the problem is in (as given, usually relative to the repo).
    rule : str
        The rule that was broken, in plain Chinese words.
    row : int or None
        1-based line number in the file (CSV header is line 1), if any.
    column : str or None
        The column or key path, if any.
    value : object
        The offending value, if any.
    """

    file: str
    rule: str
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        """``data/figures.csv，第 5 行，字段 value：百分数应在 0–100 之间（现为 160）``."""
        where = [self.file]
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"字段 {self.column}")
        text = "，".join(where) + f"：{self.rule}"
        if self.value is not None and self.value == self.value:  # skip NaN
            text += f"（现为 {shown_value(self.value)}）"
        return text


def shown_value(value: object) -> str:
    """A value as a Chinese message quotes it: text in “”, a whole float without ``.0``."""
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class DataError(GovlibError):
    """A data file broke one or more rules.  ``problems`` lists each one."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        head = f"数据中有 {len(self.problems)} 处问题：" if len(self.problems) > 1 else ""
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(([head] if head else []) + lines))


class ParameterError(GovlibError):
    """A parameter has an unknown name, a wrong type or a value out of range."""


def display_path(path: str | Path) -> str:
    """Return *path* as a message should show it.

    In a checkout, relative to the repository root when it lies inside it
    (``data/figures.csv``), which is what curators edit.  From an installed
    wheel (course files bundled inside site-packages) and for anything outside
    the root, the absolute path, so a message says where govlib looked.
    """
    from govlib.paths import INSTALLED, ROOT

    p = Path(path)
    if INSTALLED:
        return str(p.absolute())
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p.absolute())
