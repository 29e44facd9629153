"""Reading a YAML data file into a pydantic model, with errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from govlib.errors import DataError, Problem, display_path

M = TypeVar("M")


def load_model(path: str | Path, model: type[M], *, expect: str = "a mapping") -> M:
    """Parse a YAML file and validate it with a pydantic model.

    Parameters
    ----------
    path : path-like
        The YAML file.
    model : pydantic model class
    expect : str
        What the top level must hold, for the error message.

    Returns
    -------
    An instance of *model*.

    Raises
    ------
    DataError
        A missing file, a YAML syntax error (with its line), a top level that is
        not a mapping, or one problem per schema violation naming the key path
        (``root.children.0.kind``).
    """
    import yaml
    from pydantic import ValidationError

    p = Path(path)
    shown = display_path(p)
    if not p.is_file():
        raise DataError(Problem(shown, "file not found"))
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(Problem(shown, f"not valid YAML: {getattr(exc, 'problem', exc)}",
                                row=mark.line + 1 if mark else None)) from None
    if not isinstance(raw, dict):
        raise DataError(Problem(shown, f"the file must hold {expect}"))
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataError([Problem(shown, e["msg"], column=".".join(str(x) for x in e["loc"]),
                                 value=e.get("input") if not isinstance(e.get("input"), (dict, list)) else None)
                         for e in exc.errors()]) from None
