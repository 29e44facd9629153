"""Lesson notebook conventions, and the parameters cell parser that enforces them.

Conventions every lesson notebook follows
-----------------------------------------
* **Format.**  Lessons are stored as text: jupytext MyST markdown
  (``format_name: myst``), kernel ``python3``.  No outputs are ever committed;
  the build executes the notebook and renders the outputs.
* **One parameters cell.**  Exactly one code cell carries the tag
  ``parameters``.  It holds only annotated assignments, one per line::

      sample_size: int = 400  # 假设的样本量 [50, 5000]
      seed: int = 2024  # 随机种子
      show_register: bool = True  # 是否展示数字登记表
      case: str = "quanzhou"  # 案例 {"quanzhou", "xiamen"}
      alpha: float = 0.05  # 显著性水平 [0.001, 0.2]

  - the type is one of ``int``, ``float``, ``str``, ``bool``;
  - the default is a literal of that type;
  - the comment is the help text shown to instructors.  It may end with a
    range ``[min, max]`` (int and float; either end may be ``None`` for
    open) or a set of choices ``{"a", "b"}`` (str, int or float).

  The build parses this cell with :mod:`ast` and :mod:`tokenize`; it never
  executes it.  Parameter sets in ``course/course.yml`` are checked against
  it before any kernel starts: an unknown name, a wrong type or a value out
  of range is an error naming the lesson, the set, the parameter and the
  expected type.  An ``int`` is not a ``bool`` (and a ``bool`` is not an
  ``int``); a ``float`` accepts an ``int`` (converted to float).
* **Seeds are parameters.**  Anything random takes its seed from a
  parameter, so two builds give byte-identical pages.
* **Cell tags.**

  ``solution``
      a worked answer: shown in the instructor edition, *removed* (source and
      outputs) from the student edition and the student notebook;
  ``instructor``
      teaching notes, discussion prompts, timing: same treatment as
      ``solution``;
  ``exercise``
      a cell students complete: kept in every edition, but its outputs are
      cleared in the student editions;
  ``remove-input``
      the code is hidden in both editions, the output is shown.

  Markdown cells take tags too (MyST: ``+++ {"tags": ["instructor"]}``).
* **The first code cell after the parameters cell** is ``import govlib``
  followed by ``govlib.setup()`` (CJK font, deterministic figures).
* **Figures from the register** appear in outputs as
  ``<span class="gv-fig" data-fig="FIGURE_ID">…</span>`` (made by
  :mod:`govlib.display`); the course index lists, per lesson, the distinct
  ``data-fig`` ids found in its executed outputs, each with its citation.

This module imports only the standard library (and PyYAML) so that a build
with nothing to do stays fast.

Why not ``papermill.inspect_notebook``
--------------------------------------
papermill's reader was tried on the same cell and is not used, because
(measured with papermill 2.6):

* it accepts what the convention forbids and reports nothing: ``bad = foo(``
  comes back as a parameter of type ``None`` with default ``'foo('``;
  ``ratio: float = "x"`` comes back as a float parameter with default
  ``'"x"'``; ``x: int = 1; y = 2`` is only logged ("Unable to parse line 5")
  and dropped -- our parser raises, naming the line;
* it returns defaults and types as source strings (``'40'``, ``'"乙"'``,
  ``'int'``): the typed value, and the range ``[min, max]`` or choice set
  ``{...}`` in the help comment, would still have to be parsed here, which is
  most of this module;
* it reads ``.ipynb`` only (lessons are MyST Markdown: a jupytext conversion
  first) and importing papermill costs about 0.8 s, paid by every no-op build.
"""

from __future__ import annotations

import ast
import io
import json
import math
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govlib.errors import ParameterError, display_path

__all__ = [
    "ParamSpec", "NotebookParams", "read_parameters", "extract_parameters_source",
    "parse_parameters", "validate_parameter_set", "python_literal", "TYPES",
]

#: the types a parameter may have
TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
#: each type (and the other Python types a YAML value may have) in Chinese, for messages
TYPE_ZH: dict[str, str] = {"int": "整数", "float": "数", "str": "文字", "bool": "是非值（True/False）",
                           "list": "列表", "dict": "映射", "NoneType": "空值"}

_RANGE = re.compile(r"\[\s*([^\[\],]*?)\s*,\s*([^\[\],]*?)\s*\]\s*$")
_CHOICES = re.compile(r"\{([^{}]*)\}\s*$")


@dataclass(frozen=True)
class ParamSpec:
    """One parameter declared in a notebook's parameters cell.

    Parameters
    ----------
    name : str
        The variable name.
    type : str
        ``"int"``, ``"float"``, ``"str"`` or ``"bool"``.
    default : object
        The default value, already of ``type``.
    help : str
        The help comment (without the range or choices).
    low, high : float or None
        Inclusive bounds of a documented range, if any.
    choices : tuple or None
        The allowed values, if the comment lists them.
    line : int
        1-based line of the declaration inside the cell.
    """

    name: str
    type: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple | None = None
    line: int = 0

    def expected(self) -> str:
        """Describe the accepted values in Chinese, e.g. ``整数，1 到 100``."""
        text = TYPE_ZH[self.type]
        if self.choices is not None:
            text += "，取值之一：" + "、".join(python_literal(c) for c in self.choices)
        elif self.low is not None and self.high is not None:
            text += f"，{_fmt(self.low)} 到 {_fmt(self.high)}"
        elif self.low is not None:
            text += f"，不小于 {_fmt(self.low)}"
        elif self.high is not None:
            text += f"，不大于 {_fmt(self.high)}"
        return text

    def check(self, value: Any) -> tuple[Any, str | None]:
        """Check and coerce *value*.

        Returns
        -------
        (value, problem)
            The coerced value (an int becomes a float for a float parameter)
            and ``None``, or the value unchanged and a description of what is
            wrong with it.
        """
        want = TYPES[self.type]
        if self.type == "float":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok:
                value = float(value)
                if not math.isfinite(value):
                    return value, "应为有限的数"
        elif self.type == "int":
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, want)
        if not ok:
            kind = type(value).__name__
            return value, f"应为{TYPE_ZH[self.type]}，收到{TYPE_ZH.get(kind, kind)} {python_literal(value)}"
        if self.choices is not None and value not in self.choices:
            return value, f"应为{self.expected()}，收到 {python_literal(value)}"
        if self.low is not None and value < self.low or self.high is not None and value > self.high:
            return value, f"应为{self.expected()}，收到 {python_literal(value)}"
        return value, None


def _fmt(x: float | None) -> str:
    if x is None:
        return "None"
    return str(int(x)) if float(x).is_integer() else str(x)


@dataclass
class NotebookParams:
    """The parameters cell of one notebook.

    Attributes
    ----------
    path : Path
        The notebook file.
    source : str
        The cell's source text.
    specs : dict
        Name -> :class:`ParamSpec`, in declaration order.
    """

    path: Path
    source: str
    specs: dict[str, ParamSpec] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        """Name -> default value."""
        return {n: s.default for n, s in self.specs.items()}


# --------------------------------------------------------------------------- reading


def _myst_code_cells(text: str):
    """Yield ``(options, source, first_line)`` for each ``{code-cell}`` block of a MyST file.

    A light reader: enough to find the parameters cell without importing
    jupytext (which is slow to import).  The worker checks what it finds
    against jupytext's own reading of the file.
    """
    lines = text.splitlines()
    i = 0
    # skip the YAML front matter
    if lines and lines[0].strip() == "---":
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    fence_re = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}(.*)$")
    while i < len(lines):
        m = fence_re.match(lines[i])
        if not m:
            i += 1
            continue
        fence = m.group(1)
        start = i + 1
        i += 1
        options: dict = {}
        # options: a YAML block between --- lines, or :key: value lines
        if i < len(lines) and lines[i].strip() == "---":
            j = i + 1
            while j < len(lines) and lines[j].strip() != "---":
                j += 1
            import yaml

            try:
                options = yaml.safe_load("\n".join(lines[i + 1:j])) or {}
            except yaml.YAMLError:
                options = {}
            i = j + 1
        else:
            opt_lines = []
            while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
                opt_lines.append(lines[i])
                i += 1
            if opt_lines:
                import yaml

                for ol in opt_lines:
                    mm = re.match(r"^:([\w-]+):\s*(.*)$", ol)
                    flow = re.match(r"^\[([\w\s,-]*)\]$", mm.group(2).strip())
                    if flow:  # the usual ':tags: [a, b]', without the cost of YAML
                        options[mm.group(1)] = [t.strip() for t in flow.group(1).split(",") if t.strip()]
                        continue
                    try:
                        options[mm.group(1)] = yaml.safe_load(mm.group(2)) if mm.group(2) else None
                    except yaml.YAMLError:
                        options[mm.group(1)] = mm.group(2)
        # jupytext writes one blank line after the options
        if options and i < len(lines) and not lines[i].strip():
            i += 1
        body_start = i
        close = re.compile(r"^" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$")
        while i < len(lines) and not close.match(lines[i]):
            i += 1
        yield options if isinstance(options, dict) else {}, "\n".join(lines[body_start:i]), start
        i += 1


def extract_parameters_source(path: str | Path) -> str:
    """Return the source of the notebook's single ``parameters`` cell.

    Works on MyST markdown (``.md``) without jupytext and on ``.ipynb``.

    Raises
    ------
    ParameterError
        If the file is missing, or has no or several ``parameters`` cells.
    """
    p = Path(path)
    shown = display_path(p)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{shown}：无法读取笔记本（{exc.strerror}）") from None
    found: list[str] = []
    if p.suffix == ".ipynb":
        try:
            nb = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{shown}：不是有效的 .ipynb 文件（第 {exc.lineno} 行第 {exc.colno} 列不是有效的 JSON）") from None
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code" and "parameters" in (cell.get("metadata", {}).get("tags") or []):
                src = cell.get("source", "")
                found.append("".join(src) if isinstance(src, list) else src)
    else:
        for options, source, _ in _myst_code_cells(text):
            tags = options.get("tags") or []
            if isinstance(tags, str):
                tags = [tags]
            if "parameters" in tags:
                found.append(source)
    if len(found) != 1:
        raise ParameterError(
            f"{shown}：应有且只有一个带 `parameters` 标签的代码单元（参数单元），找到 {len(found)} 个")
    return found[0]


def parse_parameters(source: str, where: str = "参数单元") -> dict[str, ParamSpec]:
    """Parse a parameters cell into :class:`ParamSpec` objects, without executing it.

    Parameters
    ----------
    source : str
        The cell's source.
    where : str
        Named in error messages (usually the notebook path).

    Raises
    ------
    ParameterError
        If a line is not ``name: type = literal  # help``, the type is not one
        of int/float/str/bool, the default does not match its type or range,
        or a name is declared twice.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where}：参数单元第 {exc.lineno} 行有语法错误（第 {exc.offset} 个字符处）") from None
    comments: dict[int, str] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok.string[1:].strip()
    except (tokenize.TokenError, IndentationError):  # pragma: no cover - ast.parse caught it
        pass
    specs: dict[str, ParamSpec] = {}
    for node in tree.body:
        line = node.lineno
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and node.value is not None):
            raise ParameterError(
                f"{where}：参数单元第 {line} 行应写成 `名称: 类型 = 默认值  # 说明`（如 `n: int = 3  # 样本量`），"
                f"这里是 `{ast.get_source_segment(source, node)}`")
        name = node.target.id
        if not (isinstance(node.annotation, ast.Name) and node.annotation.id in TYPES):
            raise ParameterError(
                f"{where}：参数单元第 {line} 行：参数 {name} 的类型写的是 `{ast.get_source_segment(source, node.annotation)}`，"
                f"应为 `int`（整数）、`float`（数）、`str`（文字）、`bool`（是非值）之一")
        typ = node.annotation.id
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{where}：参数单元第 {line} 行：参数 {name} 的默认值须直接写出（数字、带引号的文字或 True/False），"
                f"这里是 `{ast.get_source_segment(source, node.value)}`") from None
        if name in specs:
            raise ParameterError(f"{where}：参数单元第 {line} 行：参数 {name} 重复声明")
        help_text = comments.get(node.end_lineno, comments.get(line, ""))
        low = high = None
        choices = None
        m = _RANGE.search(help_text)
        if m:
            if typ not in ("int", "float"):
                raise ParameterError(
                    f"{where}：参数单元第 {line} 行：参数 {name} 是{TYPE_ZH[typ]}，取值范围 [下限, 上限] 只用于整数和数")
            low, high = (_bound(m.group(k), name, where, line) for k in (1, 2))
            help_text = help_text[:m.start()].rstrip()
        else:
            m = _CHOICES.search(help_text)
            if m:
                try:
                    choices = tuple(ast.literal_eval("{" + m.group(1) + "}"))
                except (ValueError, SyntaxError):
                    raise ParameterError(
                        f"{where}：参数单元第 {line} 行：无法读出参数 {name} 的可选值 {m.group(0)}") from None
                choices = tuple(sorted(choices, key=repr))
                help_text = help_text[:m.start()].rstrip()
        if not help_text:
            raise ParameterError(
                f"{where}：参数单元第 {line} 行：参数 {name} 需要一句说明注释"
                f"（如 `{name}: {typ} = ...  # 它的含义`）")
        spec = ParamSpec(name, typ, default, help_text, low, high, choices, line)
        value, problem = spec.check(default)
        if problem:
            raise ParameterError(f"{where}：参数单元第 {line} 行：参数 {name} 的默认值{problem}")
        specs[name] = ParamSpec(name, typ, value, help_text, low, high, choices, line)
    if not specs:
        raise ParameterError(f"{where}：参数单元没有声明任何参数")
    return specs


def _bound(text: str, name: str, where: str, line: int) -> float | None:
    text = text.strip()
    if text in ("", "None", "none", "null"):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{where}：参数单元第 {line} 行：参数 {name} 的范围界限 {text} 不是数字（开放的一端写 None）")
    return value


def read_parameters(path: str | Path) -> NotebookParams:
    """Read and parse the parameters cell of the notebook at *path*."""
    p = Path(path)
    source = extract_parameters_source(p)
    return NotebookParams(p, source, parse_parameters(source, display_path(p)))


def validate_parameter_set(params: NotebookParams, values: dict[str, Any], *,
                           lesson: str, set_name: str) -> tuple[dict[str, Any], list[str]]:
    """Check one parameter set against a notebook's parameters.

    Returns
    -------
    (values, problems)
        The coerced values and a list of messages, each naming the lesson,
        the set, the parameter and the expected type.
    """
    out: dict[str, Any] = {}
    problems: list[str] = []
    where = f"课程 {lesson} 的参数集 {set_name}"
    nb = display_path(params.path)
    for name, value in (values or {}).items():
        spec = params.specs.get(str(name))
        if spec is None:
            known = "、".join(f"{s.name}（{TYPE_ZH[s.type]}）" for s in params.specs.values())
            problems.append(f"{where}：没有参数 {name}；{nb} 声明的参数：{known}")
            continue
        coerced, problem = spec.check(value)
        if problem:
            problems.append(f"{where}：参数 {name} {problem}（{nb} 中的声明：{spec.help}）")
        else:
            out[name] = coerced
    return out, problems


def python_literal(v: Any) -> str:
    """A parameter value as Python source: strings in double quotes (CJK unescaped), others by ``repr``.

    Examples
    --------
    >>> python_literal("half_up"), python_literal(0.95), python_literal("泉州")
    ('"half_up"', '0.95', '"泉州"')
    """
    return json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)
