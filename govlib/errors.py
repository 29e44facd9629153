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
        The rule that was broken, in plain words.
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
        where = [self.file]
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": {self.rule}"
        if self.value is not None and self.value == self.value:  # skip NaN
            text += f" (got {self.value!r})"
        return text


class DataError(GovlibError):
    """A data file broke one or more rules.  ``problems`` lists each one."""

    def __init__(self, problems: list[Problem] | Problem):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the data:" if len(self.problems) > 1 else ""
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
