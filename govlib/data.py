"""The register of published figures: load, validate, look up, cite.

Every number a lesson shows comes from ``data/figures.csv`` through this module.
Each row carries its source article, a locator (section and paragraph cue, and
the figure number where the article cites one) and the number's published
wording, so any value on any page can be traced back to the text.

Validation runs on every load.  Column rules (types, patterns, vocabularies,
uniqueness) are pandera schemas; rules that relate several cells of a row, or
several rows, are checked after that.  Every broken rule becomes a
:class:`~govlib.errors.Problem` naming the file, line and column, and all of
them are raised together as one :class:`~govlib.errors.DataError`.
"""

from __future__ import annotations

import ast
import functools
import operator
import re
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from govlib import paths
from govlib.errors import DataError, Problem, display_path, shown_value
from govlib.schemas import FIGURE_COLUMNS, FIGURE_ID, PREFIX, QUALIFIERS, SOURCE_COLUMNS, SLUG, Framework

DATE_RE = r"^(?:\d{4}(?:-\d{2}(?:-\d{2})?)?|--\d{2}-\d{2})$"
UNIT_KINDS = ("share", "count", "amount", "time", "rank", "date")
_DATE_ZH = "日期应写成 YYYY、YYYY-MM、YYYY-MM-DD 或 --MM-DD（如 2021、2021-06、2021-06-30、--06-30）"
_NUMERIC = ("value", "low", "high", "decimals")


# ----------------------------------------------------------------------------
# reading and validating
# ----------------------------------------------------------------------------

def _decode_utf8(raw: bytes, shown: str) -> str:
    """The file's text; a byte that is not UTF-8 is reported with its exact line and column."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        pos = exc.start
        line = raw.count(b"\n", 0, pos) + 1
        line_start = raw.rfind(b"\n", 0, pos) + 1
        if line == 1 and raw.startswith(b"\xef\xbb\xbf"):
            line_start = 3
        col = len(raw[line_start:pos].decode("utf-8", "replace")) + 1
        raise DataError(Problem(shown, f"不是 UTF-8 编码：这一行第 {col} 个字符处有字节 0x{raw[pos]:02X}"
                                       "（请把文件另存为 UTF-8 编码）", row=line)) from None


def _csv_records(text: str, shown: str) -> list[tuple[int, list[str]]]:
    """Each non-blank CSV record with the line it starts on (quoted fields may span lines)."""
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if fields:
                out.append((line, fields))
    except csv.Error as exc:
        raise DataError(Problem(shown, f"无法按 CSV 读取（多半是引号没有配对）：{exc}", row=start)) from None
    return out


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    """Read a CSV as text, blank cells as missing; check the header.

    The index is each record's line number in the file (the header is line
    1), counted exactly: blank lines are skipped but counted, and a quoted
    field spanning several lines puts the next record that many lines down.
    """
    shown = display_path(path)
    if not Path(path).is_file():
        raise DataError(Problem(shown, "找不到这个文件"))
    text = _decode_utf8(Path(path).read_bytes(), shown)
    records = _csv_records(text, shown)
    if not records:
        raise DataError(Problem(shown, "文件是空的"))
    header_line, header = records[0]
    header = [h.strip() for h in header]
    missing = [c for c in columns if c not in header]
    extra = [c for c in header if c not in columns]
    problems = [Problem(shown, "表头缺少这一列", row=header_line, column=c) for c in missing]
    problems += [Problem(shown, "表头里有不认识的列", row=header_line, column=c) for c in extra]
    rows, lines = [], []
    for line, fields in records[1:]:
        if len(fields) > len(header):
            problems.append(Problem(shown, f"这一行有 {len(fields)} 格，但表头只有 {len(header)} 列", row=line))
            continue
        rows.append(fields + [""] * (len(header) - len(fields)))
        lines.append(line)
    if problems:
        raise DataError(problems)
    df = pd.DataFrame(rows, columns=header, index=pd.Index(lines, dtype="int64"), dtype=object)
    for col in df.columns:
        df[col] = df[col].map(lambda v: v.strip() if isinstance(v, str) else v)
        df[col] = df[col].mask(df[col] == "")
    return df[columns]


def _pandera_problems(schema, df: pd.DataFrame, shown: str) -> list[Problem]:
    """Run a pandera schema lazily and translate its failure cases."""
    import pandera.pandas as pa

    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        out = []
        cases = exc.failure_cases
        for rec in cases.to_dict("records"):
            idx = rec.get("index")
            row = int(idx) if idx is not None and idx == idx else None
            check = str(rec.get("check"))
            out.append(Problem(shown, _rule_text(check), row=row, column=rec.get("column"),
                               value=rec.get("failure_case")))
        return out
    return []


def _rule_text(check: str) -> str:
    if "field_uniqueness" in check or "unique" in check:
        return "与别的行重复；这一列的值不能重复"
    if "not_nullable" in check:
        return "不能为空"
    if "coerce_dtype" in check or "dtype" in check:
        return "应为数字"
    return check


def _numbers(df: pd.DataFrame, cols, shown: str, problems: list[Problem]) -> pd.DataFrame:
    """Convert numeric text columns, reporting each cell that is not a number."""
    out = df.copy()
    for col in cols:
        conv = pd.to_numeric(df[col], errors="coerce")
        bad = df[col].notna() & conv.isna()
        for line in df.index[bad]:
            problems.append(Problem(shown, "应为数字", row=int(line), column=col,
                                    value=df.at[line, col]))
        out[col] = conv.astype("float64")
    return out


def _text_col(pattern: str | None = None, *, nullable: bool = False, isin=None,
              unique: bool = False, error: str | None = None):
    import pandera.pandas as pa

    checks = []
    if pattern:
        checks.append(pa.Check.str_matches(pattern, error=error or f"格式不对（应符合 {pattern}）"))
    if isin is not None:
        checks.append(pa.Check.isin(sorted(isin), error=error or f"应为其中之一：{'、'.join(sorted(isin))}"))
    return pa.Column(None, checks=checks, nullable=nullable, unique=unique)


def load_units(path: str | Path = paths.UNITS_CSV) -> pd.DataFrame:
    """Load and validate ``data/units.csv`` (unit, kind, note).

    Raises
    ------
    DataError
        On a missing file, a wrong header, a duplicate unit or an unknown kind.
    """
    import pandera.pandas as pa

    shown = display_path(path)
    df = _read_csv(Path(path), ["unit", "kind", "note"])
    schema = pa.DataFrameSchema({
        "unit": _text_col(unique=True),
        "kind": _text_col(isin=UNIT_KINDS, error=f"不认识的单位类别；应为其中之一：{'、'.join(UNIT_KINDS)}"),
        "note": _text_col(nullable=True),
    })
    problems = _pandera_problems(schema, df, shown)
    if problems:
        raise DataError(problems)
    return df


def load_sources(path: str | Path = paths.SOURCES_CSV) -> pd.DataFrame:
    """Load and validate ``data/sources.csv``, one row per article.

    Returns
    -------
    pandas.DataFrame
        Indexed by line number; ``id`` is a column.
    """
    import pandera.pandas as pa

    shown = display_path(path)
    df = _read_csv(Path(path), SOURCE_COLUMNS)
    schema = pa.DataFrameSchema({
        "id": _text_col(SLUG, unique=True, error="编号应为小写字母、数字和连字符，如 quanzhou"),
        "prefix": _text_col(PREFIX, unique=True, error="前缀应为 2–4 个小写字母，且不能重复"),
        "short_zh": _text_col(),
        "authors": _text_col(nullable=True),
        "affiliation": _text_col(nullable=True),
        "title": _text_col(nullable=True),
        "venue": _text_col(nullable=True),
        "issue": _text_col(nullable=True),
        "year": _text_col(r"^\d{4}$", nullable=True, error="年份应为四位数字"),
        "date": _text_col(DATE_RE, nullable=True, error=_DATE_ZH),
        "place": _text_col(),
        "script": _text_col(isin=("简体", "繁体"), error="字体应为 简体 或 繁体"),
        "seed": _text_col(),
        "note": _text_col(nullable=True),
    })
    problems = _pandera_problems(schema, df, shown)
    if problems:
        raise DataError(problems)
    return df


def load_figures(path: str | Path = paths.FIGURES_CSV, *, sources: pd.DataFrame | None = None,
                 units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Load and validate ``data/figures.csv``.

    Parameters
    ----------
    path : path-like
        The figures file.
    sources, units : DataFrame, optional
        Already loaded tables to check ``source`` and ``unit`` against
        (default: the files beside *path*).

    Returns
    -------
    pandas.DataFrame
        One row per figure, ``value``/``low``/``high``/``decimals`` as floats.

    Raises
    ------
    DataError
        Listing every broken rule with file, line and column: unknown source,
        duplicate id, percentage outside 0–100, low > high, unknown unit or
        qualifier, empty locator, a range without bounds, a derived row whose
        expression names a missing row or does not give its value, and so on.
    """
    import pandera.pandas as pa

    path = Path(path)
    shown = display_path(path)
    if sources is None:
        sources = load_sources(path.with_name("sources.csv"))
    if units is None:
        units = load_units(path.with_name("units.csv"))
    raw = _read_csv(path, FIGURE_COLUMNS)
    problems: list[Problem] = []
    df = _numbers(raw, _NUMERIC, shown, problems)

    schema = pa.DataFrameSchema({
        "id": _text_col(FIGURE_ID, unique=True,
                        error="编号应为小写，如 qz-some-name：来源的前缀、连字符、再加小写字母数字和连字符"),
        "source": _text_col(isin=set(sources["id"]), error="来源编号不在来源表 sources.csv 里"),
        "locator": _text_col(),
        "wording": _text_col(),
        "label_zh": _text_col(),
        "group": _text_col(nullable=True),
        "period": _text_col(nullable=True),
        "value": pa.Column(float, nullable=True),
        "low": pa.Column(float, nullable=True),
        "high": pa.Column(float, nullable=True),
        "decimals": pa.Column(float, pa.Check.isin([0, 1, 2, 3], error="小数位数应为 0–3"), nullable=True),
        "unit": _text_col(isin=set(units["unit"]), error="单位不在单位表 units.csv 里"),
        "qualifier": _text_col(isin=set(QUALIFIERS), error="不认识的限定词；应为其中之一："
                               + "、".join(QUALIFIERS)),
        "date": _text_col(DATE_RE, nullable=True, error=_DATE_ZH),
        "derived_from": _text_col(nullable=True),
        "note": _text_col(nullable=True),
    })
    problems += _pandera_problems(schema, df, shown)
    problems += _row_rules(df, units, shown)
    problems += _prefix_rule(df, sources, shown)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise DataError(problems)
    return df


def _prefix_rule(df: pd.DataFrame, sources: pd.DataFrame, shown: str) -> list[Problem]:
    """Each figure id starts with the prefix its source has in ``sources.csv``."""
    prefix = dict(zip(sources["id"], sources["prefix"]))
    out = []
    for line, r in df.iterrows():
        want = prefix.get(r["source"])
        if want and isinstance(r["id"], str) and not r["id"].startswith(want + "-"):
            out.append(Problem(shown, f"编号应以“{want}-”开头（来源 {r['source']} 的前缀）",
                               int(line), "id", r["id"]))
    return out


def _row_rules(df: pd.DataFrame, units: pd.DataFrame, shown: str) -> list[Problem]:
    """Rules that relate cells of a row or rows of the table."""
    out: list[Problem] = []
    kind = dict(zip(units["unit"], units["kind"]))
    ids = set(df["id"].dropna())
    for line, r in df.iterrows():
        line = int(line)
        q = r["qualifier"]
        has = {c: pd.notna(r[c]) for c in ("value", "low", "high", "date")}
        if q == "range":
            for c in ("low", "high"):
                if not has[c]:
                    out.append(Problem(shown, "范围（range）要填下限 low 和上限 high", line, c))
            if has["value"]:
                out.append(Problem(shown, "范围（range）的 value 应留空（填 low 和 high）", line, "value", r["value"]))
            if has["low"] and has["high"] and r["low"] > r["high"]:
                out.append(Problem(shown, "下限 low 大于上限 high", line, "low", r["low"]))
        elif q == "date":
            if not has["date"]:
                out.append(Problem(shown, "日期行要填 date 列", line, "date"))
            if has["value"]:
                out.append(Problem(shown, "日期行的 value 应留空", line, "value", r["value"]))
        elif q in QUALIFIERS:
            if not has["value"]:
                out.append(Problem(shown, f"限定词 {q} 要填 value", line, "value"))
            for c in ("low", "high"):
                if has[c]:
                    out.append(Problem(shown, "low 和 high 只用于范围（range）", line, c, r[c]))
        if r["unit"] == "%" or kind.get(r["unit"]) == "share":
            for c in ("value", "low", "high"):
                if has[c] and not 0 <= r[c] <= 100:
                    out.append(Problem(shown, "百分数应在 0–100 之间", line, c, r[c]))
        if kind.get(r["unit"]) == "date" and q != "date":
            out.append(Problem(shown, "日期单位要用限定词 date", line, "qualifier", q))
        if q == "rank" and has["value"] and (r["value"] < 1 or r["value"] != int(r["value"])):
            out.append(Problem(shown, "名次应为从 1 起的整数", line, "value", r["value"]))
        if pd.notna(r["decimals"]):
            for c in ("value", "low", "high"):
                if has[c] and round(r[c], int(r["decimals"])) != r[c] and not q.startswith("verbal"):
                    out.append(Problem(shown, f"小数位比原文印出的 {int(r['decimals'])} 位多", line, c, r[c]))
        if pd.notna(r["derived_from"]):
            out += _check_derived(df, line, r, ids, shown)
    return out


# ----------------------------------------------------------------------------
# derived rows
# ----------------------------------------------------------------------------

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_TOKEN = re.compile(r"\s*(\(|\)|[-+*/](?=\s)|[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)?)")


def derived_ids(expression: str) -> list[str]:
    """Return the figure ids an expression of ``derived_from`` refers to, in order.

    Ids may contain hyphens, so operators must stand between spaces:
    ``100 - qz-a - qz-b``.
    """
    return [tok for tok in _tokens(expression) if tok[0].isalpha()]


def _tokens(expression: str) -> list[str]:
    pos, out = 0, []
    text = expression.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ValueError(f"读不懂“{text[pos:]}”")
        out.append(m.group(1))
        pos = m.end()
    return out


def evaluate(expression: str, values: dict[str, float]) -> float:
    """Evaluate a ``derived_from`` expression with figure values.

    Parameters
    ----------
    expression : str
        E.g. ``"100 - qz-wechat-township-over20 - qz-wechat-township-10to20"``.
    values : dict
        Figure id -> number.

    Returns
    -------
    float
    """
    names: dict[str, str] = {}
    py = []
    for tok in _tokens(expression):
        if tok[0].isalpha():
            names.setdefault(tok, f"_v{len(names)}")
            py.append(names[tok])
        else:
            py.append(tok)
    tree = ast.parse(" ".join(py), mode="eval")
    env = {alias: float(values[fid]) for fid, alias in names.items()}

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return float(node.value)
        if isinstance(node, ast.Name) and node.id in env:
            return env[node.id]
        raise ValueError("只能写数字、数字编号、+ - * / 和括号")

    return ev(tree)


def _eval_zh(exc: Exception) -> str:
    """Why an expression could not be evaluated, in Chinese."""
    if isinstance(exc, ZeroDivisionError):
        return "除数为零"
    if isinstance(exc, SyntaxError):
        return "式子的写法有误（括号或运算符）"
    return str(exc)


def _check_derived(df, line, r, ids, shown) -> list[Problem]:
    expr = r["derived_from"]
    try:
        refs = derived_ids(expr)
    except ValueError as exc:
        return [Problem(shown, f"推算式读不懂：{exc}", line, "derived_from", expr)]
    missing = [i for i in refs if i not in ids]
    if missing:
        return [Problem(shown, f"推算式用到的行不存在：{'、'.join(missing)}", line, "derived_from", expr)]
    if not refs:
        return [Problem(shown, "推算式至少要用到一个数字编号", line, "derived_from", expr)]
    first = df.drop_duplicates("id").set_index("id")["value"]
    vals = {i: first[i] for i in refs}
    if any(pd.isna(v) for v in vals.values()):
        return [Problem(shown, "推算式用到的行没有 value", line, "derived_from", expr)]
    try:
        got = evaluate(expr, vals)
    except (ValueError, SyntaxError, ZeroDivisionError) as exc:
        return [Problem(shown, f"推算式算不出来：{_eval_zh(exc)}", line, "derived_from", expr)]
    dec = int(r["decimals"]) if pd.notna(r["decimals"]) else 1
    if pd.isna(r["value"]) or round(got, dec) != round(r["value"], dec):
        return [Problem(shown, f"推算式算得 {shown_value(round(got, dec))}，与这一行的 value 不符", line, "value", r["value"])]
    return []


# ----------------------------------------------------------------------------
# the register and its figures
# ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One published (or derived) figure with its provenance.

    Attributes mirror the columns of ``data/figures.csv``.  Use :attr:`text`
    for how the figure is shown, :meth:`number` for arithmetic.
    """

    id: str
    source: str
    locator: str
    wording: str
    label_zh: str
    group: str | None
    period: str | None
    value: float | None
    low: float | None
    high: float | None
    decimals: int | None
    unit: str
    qualifier: str
    date: str | None
    derived_from: str | None
    note: str | None

    @property
    def derived(self) -> bool:
        """True when the value is computed from other rows, not printed."""
        return self.derived_from is not None

    @property
    def text(self) -> str:
        """The figure as shown on a page.

        A published figure is shown in its published wording (``超过60%``,
        ``约三分之二``, ``300-500户``); a derived one as its value with unit and
        the mark ``（推算）``.
        """
        if self.derived:
            return f"{format_number(self.value, self.decimals)}{_unit_suffix(self.unit)}（推算）"
        return self.wording

    def number(self) -> float:
        """The value as a float (raises for ranges and dates, which have none)."""
        if self.value is None:
            raise ValueError(f"数字 {self.id}（{self.qualifier}）没有单一的数值（范围和日期没有）")
        return self.value


def format_number(value: float, decimals: int | None) -> str:
    """Format *value* with the given number of decimals (``None`` → as few as needed)."""
    if decimals is None:
        return f"{value:g}"
    return f"{value:.{int(decimals)}f}"


def _unit_suffix(unit: str) -> str:
    return "" if unit in ("位次", "日期") else unit


def _clean(v):
    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    return v


class Register:
    """The validated register: sources, figures and units.

    Parameters
    ----------
    data_dir : path-like
        Folder with ``sources.csv``, ``figures.csv`` and ``units.csv``.
    """

    def __init__(self, data_dir: str | Path = paths.DATA):
        data_dir = Path(data_dir)
        self.data_dir = data_dir
        self.units = load_units(data_dir / "units.csv")
        self.sources = load_sources(data_dir / "sources.csv")
        self.figures = load_figures(data_dir / "figures.csv", sources=self.sources, units=self.units)
        self._by_id = {r["id"]: r for r in self.figures.to_dict("records")}
        self._sources = {r["id"]: r for r in self.sources.to_dict("records")}

    def __contains__(self, fig_id: str) -> bool:
        return fig_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def figure(self, fig_id: str) -> Figure:
        """Look a figure up by id.

        Raises
        ------
        KeyError
            With the closest ids when the id is unknown.
        """
        try:
            rec = self._by_id[fig_id]
        except KeyError:
            import difflib

            near = difflib.get_close_matches(fig_id, list(self._by_id), n=3)
            hint = f"；您是不是要找：{'、'.join(near)}？" if near else ""
            raise KeyError(f"登记表里没有编号为“{fig_id}”的数字{hint}") from None
        kw = {f.name: _clean(rec.get(f.name)) for f in fields(Figure)}
        if kw["decimals"] is not None:
            kw["decimals"] = int(kw["decimals"])
        return Figure(**kw)

    def value(self, fig_id: str) -> float:
        """Shortcut for ``figure(fig_id).number()``."""
        return self.figure(fig_id).number()

    def source(self, source_id: str) -> dict:
        """The sources.csv row of an article as a dict (missing cells are None)."""
        return {k: _clean(v) for k, v in self._sources[source_id].items()}

    def ids(self, source: str | None = None) -> list[str]:
        """Figure ids in file order, optionally of one source."""
        if source is None:
            return list(self._by_id)
        return [i for i, r in self._by_id.items() if r["source"] == source]

    def cite(self, fig_id: str) -> str:
        """A Chinese citation of a figure: who, when, where in the text.

        Example: ``施美萍（2022）·二（二）基层财力不足 · 第1段 · 图2``.
        For a derived figure the citation names the rows it comes from, by
        their Chinese labels (``；据“甲组超过20个”“甲组10到20个”推算``).
        """
        fig = self.figure(fig_id)
        src = self.source(fig.source)
        who = src["authors"] or src["short_zh"]
        year = src["year"] or (src["date"] or "")[:4]
        head = f"{who}（{year}）" if year else who
        text = f"{head}·{fig.locator}"
        if fig.derived:
            # the rows it comes from by their Chinese labels: register ids belong to code and the register page
            text += "；据" + "".join(f"“{self.figure(i).label_zh}”" for i in derived_ids(fig.derived_from)) + "推算"
        return text


@functools.lru_cache(maxsize=4)
def load_register(data_dir: str | Path = paths.DATA) -> Register:
    """Load (once per folder) and validate the register.

    Returns
    -------
    Register
    """
    return Register(Path(data_dir))


def figure(fig_id: str) -> Figure:
    """Look up a figure of the default register by id."""
    return load_register().figure(fig_id)


def value(fig_id: str) -> float:
    """The numeric value of a figure of the default register."""
    return load_register().value(fig_id)


def cite(fig_id: str) -> str:
    """Chinese citation of a figure of the default register."""
    return load_register().cite(fig_id)


def load_framework(name_or_path: str | Path, *, register: Register | None = None):
    """Load and validate a framework tree from ``data/frameworks/``.

    Parameters
    ----------
    name_or_path : str or path-like
        A file stem (``"pujiang"``) or a path to a YAML file.
    register : Register, optional
        Register to check figure ids against (default: the project's).

    Returns
    -------
    govlib.schemas.Framework

    Raises
    ------
    DataError
        Naming the file and the key path of every problem: schema violations,
        duplicate node ids, figure ids missing from the register.
    """
    from govlib.yamlfile import load_model

    p = Path(name_or_path)
    if p.suffix not in (".yaml", ".yml"):
        p = paths.FRAMEWORKS / f"{name_or_path}.yaml"
    shown = display_path(p)
    fw = load_model(p, Framework)
    problems = []
    seen: dict[str, str] = {}
    reg = register if register is not None else load_register()

    def walk(node, where):
        if node.id in seen:
            problems.append(Problem(shown, f"节点编号重复（{seen[node.id]} 也用了它）", column=where, value=node.id))
        seen.setdefault(node.id, where)
        for fid in node.figures:
            if fid not in reg:
                problems.append(Problem(shown, "数字编号不在登记表里", column=f"{where}.figures", value=fid))
        for i, child in enumerate(node.children):
            walk(child, f"{where}.children.{i}")

    walk(fw.root, "root")
    if fw.source not in set(reg.sources["id"]):
        problems.append(Problem(shown, "来源编号不在来源表 sources.csv 里", column="source", value=fw.source))
    if problems:
        raise DataError(problems)
    return fw
