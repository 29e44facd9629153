"""Reading a YAML data file into a pydantic model, with errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from govlib.errors import DataError, Problem, display_path

M = TypeVar("M")

#: pydantic's error types in Chinese (others keep pydantic's words); ``{…}`` is filled from the error's ctx
PYDANTIC_ZH = {
    "missing": "缺少这一项（必填）",
    "extra_forbidden": "不认识这个键（拼写有误？）",
    "string_type": "应为文字",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数", "float_parsing": "应为数",
    "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表", "tuple_type": "应为列表", "set_type": "应为列表",
    "dict_type": "应为映射（键: 值）", "model_type": "应为映射（键: 值）", "model_attributes_type": "应为映射（键: 值）",
    "literal_error": "应为其中之一：{expected}", "enum": "应为其中之一：{expected}",
    "greater_than": "应大于 {gt}", "greater_than_equal": "不能小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "不能大于 {le}",
    "string_too_short": "不能为空", "too_short": "至少要有 {min_length} 项", "too_long": "最多 {max_length} 项",
    "string_too_long": "最多 {max_length} 个字符", "string_pattern_mismatch": "格式不对（应符合 {pattern}）",
    "finite_number": "应为有限的数",
}

#: the patterns the models use, said in Chinese (a regular expression is no help to a curator)
PATTERN_ZH = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "只能用小写字母、数字和连字符，且不以连字符开头或结尾（如 quanzhou-survey）",
    r"^https?://\S+$": "应是以 http:// 或 https:// 开头的网址",
}


def pydantic_zh(err: dict) -> str:
    """One pydantic error (an item of ``ValidationError.errors()``) as a Chinese rule.

    A ``value_error`` is a validator's own message (written in Chinese); a
    type pydantic may add later and :data:`PYDANTIC_ZH` does not know keeps
    pydantic's words.
    """
    ctx = err.get("ctx") or {}
    if err.get("type") in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    text = PYDANTIC_ZH.get(err.get("type", ""))
    if text is None:
        return err["msg"]
    if err.get("type") == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_ZH:
        return PATTERN_ZH[ctx["pattern"]]
    shown = {k: str(v).replace(" or ", "、").replace("'", "") for k, v in ctx.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError):
        return text.split("{")[0].rstrip("：（ ")


def load_model(path: str | Path, model: type[M], *, expect: str = "一个映射（键: 值）") -> M:
    """Parse a YAML file and validate it with a pydantic model.

    Parameters
    ----------
    path : path-like
        The YAML file.
    model : pydantic model class
    expect : str
        What the top level must hold, in Chinese, for the error message.

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
        raise DataError(Problem(shown, "找不到这个文件"))
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(Problem(shown, f"不是有效的 YAML（{getattr(exc, 'problem', exc)}）",
                                row=mark.line + 1 if mark else None)) from None
    if not isinstance(raw, dict):
        raise DataError(Problem(shown, f"文件的顶层应是{expect}"))
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataError([Problem(shown, pydantic_zh(e), column=".".join(str(x) for x in e["loc"]),
                                 value=e.get("input") if not isinstance(e.get("input"), (dict, list)) else None)
                         for e in exc.errors()]) from None
