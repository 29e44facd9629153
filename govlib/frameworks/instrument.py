"""A framework turned into a diagnostic questionnaire: items, response checks, scores, alpha, charts.

Every leaf of a framework that carries a Likert statement (``item_zh``) is one
item; its top-level ``dimension`` ancestor (主体/能力/机制 in Pujiang) is the
scale it belongs to.  Items whose statement describes a problem are
``reverse``-coded: agreeing with them means a worse state, so before scoring
an answer *x* on a 1–5 scale becomes ``1 + 5 - x`` (= 6 − x).  After recoding a
higher score always means a better state.

Responses come as a CSV (or DataFrame) with one row per respondent (columns
``respondent``, ``community`` and one column per item id) or one row per
community (no ``respondent`` column).  :func:`validate_responses` rejects
malformed input with a :class:`~govlib.errors.DataError` naming the file, line
and column of each problem.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from govlib.errors import DataError, ParameterError, Problem, display_path
from govlib.frameworks.tree import KIND_ZH, as_framework

#: short Chinese names of leaf kinds, used in sub-dimension labels (主体·困局)
KIND_SHORT = {"problem": "困局", "remedy": "对策", "practice": "做法", "mechanism": "机制"}

COMMUNITY = "community"
RESPONDENT = "respondent"


@dataclass(frozen=True)
class Item:
    """One Likert item: a leaf of the framework with a statement.

    Attributes
    ----------
    id : str
        The leaf's node id, also the column name in response files.
    dimension : str
        Id of the dimension node the leaf lies under.
    dimension_zh : str
        Short Chinese name of that dimension (the part of its label before ``：``).
    group_zh : str
        Sub-dimension label, e.g. ``主体·困局``.
    kind : str
        Node kind of the leaf (problem, remedy, ...).
    label_zh : str
        The leaf's label.
    text : str
        The statement respondents rate (``item_zh``).
    reverse : bool
        Reverse-coded (agreement = worse state).
    locator : str
        Where in the article the leaf comes from.
    """

    id: str
    dimension: str
    dimension_zh: str
    group_zh: str
    kind: str
    label_zh: str
    text: str
    reverse: bool
    locator: str


class Instrument:
    """A Likert questionnaire built from a framework (one item per leaf).

    Parameters
    ----------
    fw_or_name : Framework, str or path-like
        A framework whose root has ``dimension`` children and whose leaves
        carry ``item_zh`` statements (``"pujiang"``).
    scale : tuple of int
        Lowest and highest answer (default 1–5).

    Raises
    ------
    DataError
        When the framework has no ``dimension`` nodes or a leaf under a
        dimension has no ``item_zh`` (the message names the file and node).

    Examples
    --------
    >>> inst = Instrument("pujiang")          # doctest: +SKIP
    >>> [d for d in inst.dimensions.values()]  # doctest: +SKIP
    ['主体', '能力', '机制']
    """

    def __init__(self, fw_or_name="pujiang", *, scale: tuple[int, int] = (1, 5)):
        lo, hi = scale
        if not (isinstance(lo, int) and isinstance(hi, int) and lo < hi):
            raise ParameterError(f"scale 应是两个整数（最低分, 最高分），且最低分小于最高分（现为 {scale!r}）")
        self.framework = as_framework(fw_or_name)
        self.scale = (lo, hi)
        shown = f"data/frameworks/{self.framework.source}.yaml ({self.framework.id})"
        dims = [c for c in self.framework.root.children if c.kind == "dimension"]
        if not dims:
            raise DataError(Problem(shown, "根节点下没有 kind 为 dimension 的子节点；量表要有维度才能计分"))
        self.dimensions: dict[str, str] = {d.id: d.label_zh.split("：")[0] for d in dims}
        items: list[Item] = []
        problems: list[Problem] = []

        def walk(node, dim):
            if not node.children:
                if not node.item_zh:
                    problems.append(Problem(shown, "末端节点没有题目陈述 item_zh", column=node.id))
                    return
                short = self.dimensions[dim.id]
                items.append(Item(node.id, dim.id, short, f"{short}·{KIND_SHORT.get(node.kind, KIND_ZH[node.kind])}",
                                  node.kind, node.label_zh, node.item_zh, node.reverse, node.locator))
            for c in node.children:
                walk(c, dim)

        for d in dims:
            walk(d, d)
        if problems:
            raise DataError(problems)
        self.items: list[Item] = items
        self._by_id = {it.id: it for it in items}

    # -- description -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"<Instrument {self.framework.id}: {len(self.items)} items, dimensions {list(self.dimensions.values())}>"

    @property
    def item_ids(self) -> list[str]:
        """Item ids in file order (the expected response columns)."""
        return [it.id for it in self.items]

    def item(self, item_id: str) -> Item:
        """Look an item up by id."""
        try:
            return self._by_id[item_id]
        except KeyError:
            raise KeyError(f"量表里没有题目“{item_id}”") from None

    def items_of(self, dimension: str) -> list[str]:
        """Item ids of a dimension, given by id (``"subject"``) or short name (``"主体"``)."""
        dim = self.dimension_id(dimension)
        return [it.id for it in self.items if it.dimension == dim]

    def dimension_id(self, dimension: str) -> str:
        """The dimension id for an id or a short Chinese name (raises ParameterError if unknown)."""
        if dimension in self.dimensions:
            return dimension
        for k, v in self.dimensions.items():
            if v == dimension:
                return k
        known = "、".join(f"{v}（{k}）" for k, v in self.dimensions.items())
        raise ParameterError(f"没有维度“{dimension}”；可选的维度：{known}")

    def axes(self, level: str = "dimension") -> list[str]:
        """Score labels at a level: ``"dimension"`` (主体…) or ``"group"`` (主体·困局…)."""
        if level == "dimension":
            return list(self.dimensions.values())
        if level == "group":
            out: list[str] = []
            for it in self.items:
                if it.group_zh not in out:
                    out.append(it.group_zh)
            return out
        raise ParameterError(f"level 应为 'dimension'（维度）或 'group'（分组）（现为 {level!r}）")

    def item_table(self):
        """The questionnaire as a table: 编号, 维度, 类型, 题目, 反向计分, 出处."""
        import pandas as pd

        return pd.DataFrame([{"编号": it.id, "维度": it.dimension_zh, "类型": KIND_ZH[it.kind],
                              "题目": it.text, "反向计分": "是" if it.reverse else "否",
                              "出处": it.locator} for it in self.items])

    # -- input -------------------------------------------------------------------
    def template(self, communities=("示例社区",), n: int = 3):
        """An empty response sheet: ``n`` rows per community, item cells blank."""
        import pandas as pd

        rows = []
        for c in communities:
            for i in range(1, n + 1):
                rows.append({RESPONDENT: f"{c}-{i:02d}", COMMUNITY: c, **{k: None for k in self.item_ids}})
        return pd.DataFrame(rows)


# ----------------------------------------------------------------------------
# reading and checking responses
# ----------------------------------------------------------------------------

def read_responses(path, instrument: Instrument, *, community_col: str = COMMUNITY,
                   respondent_col: str = RESPONDENT, extra: str = "error"):
    """Read and check a response CSV.

    Lines starting with ``#`` before the header are comments (a data set can
    say what it is in its first line); line numbers in errors count them.

    Parameters
    ----------
    path : path-like
        UTF-8 CSV with a header line.
    instrument : Instrument
    community_col, respondent_col : str
        Column names of the community and respondent ids.  Without a
        respondent column each row is one community.
    extra : {"error", "ignore"}
        What to do with columns that are neither items nor ids.

    Returns
    -------
    pandas.DataFrame
        As from :func:`validate_responses`.

    Raises
    ------
    DataError
        File not found, not readable, or any problem :func:`validate_responses` finds.
    """
    import pandas as pd

    p = Path(path)
    shown = display_path(p)
    if not p.is_file():
        raise DataError(Problem(shown, "找不到这个文件"))
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(Problem(shown, f"不是 UTF-8 编码的文本文件（第 {exc.start + 1} 个字节无法读取），请另存为 UTF-8 编码")) from None
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and (lines[skip].lstrip().startswith("#") or not lines[skip].strip()):
        skip += 1
    body = "".join(lines[skip:])
    if not body.strip():
        raise DataError(Problem(shown, "文件里没有表头，也没有数据"))
    try:
        df = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise DataError(Problem(shown, f"无法按 CSV 读取（多半是某行的格数不对或引号没有配对）：{exc}")) from None
    return validate_responses(df, instrument, source=shown, header_line=skip + 1,
                              community_col=community_col, respondent_col=respondent_col, extra=extra)


def validate_responses(df, instrument: Instrument, *, source: str = "答卷表（DataFrame）",
                       header_line: int = 1, community_col: str = COMMUNITY,
                       respondent_col: str = RESPONDENT, extra: str = "error"):
    """Check a response table and return it with numeric item columns.

    Rules (each broken one is reported with line and column):

    - the community column exists and no community cell is empty;
    - every item of the instrument has a column;
    - no other columns (unless ``extra="ignore"``; they are then dropped);
    - every answer is present and lies on the scale; with a respondent column
      answers are whole numbers, without one (one row per community) they may
      be averages;
    - respondent ids (or, one row per community, community names) are unique.

    Parameters
    ----------
    df : pandas.DataFrame
        Cells may be text (as read from CSV) or numbers.
    instrument : Instrument
    source : str
        Name used in error messages (the file).
    header_line : int
        Line of the header in the file; data row *i* (0-based) is reported
        as line ``header_line + 1 + i``.  For a DataFrame the default gives
        the lines of the CSV it would be written as.

    Returns
    -------
    pandas.DataFrame
        Columns: respondent (if any), community, then the items in the
        instrument's order; answers as int (respondent rows) or float.
        ``attrs`` of *df* (e.g. the synthetic-data mark) are kept.

    Raises
    ------
    DataError
    """
    import pandas as pd

    if extra not in ("error", "ignore"):
        raise ParameterError(f"extra 应为 'error' 或 'ignore'（现为 {extra!r}）")
    problems: list[Problem] = []
    cols = [str(c).strip() for c in df.columns]
    df = df.copy()
    df.columns = cols
    lo, hi = instrument.scale
    if community_col not in cols:
        import difflib

        near = difflib.get_close_matches(community_col, cols, n=1)
        hint = f"；您是不是要找：{near[0]}？" if near else f"；表里的列：{'、'.join(cols[:6])}…"
        problems.append(Problem(source, f"没有社区列：表里没有名为 {community_col} 的列{hint}",
                                row=header_line, column=community_col))
    per_respondent = respondent_col in cols
    items = instrument.item_ids
    for it in items:
        if it not in cols:
            problems.append(Problem(source, "缺少这道题的列", row=header_line, column=it))
    known = set(items) | {community_col, respondent_col}
    unknown = [c for c in cols if c not in known]
    if extra == "error":
        import difflib

        for c in unknown:
            near = difflib.get_close_matches(c, items, n=1)
            hint = f"；您是不是要找：{near[0]}？" if near else ""
            problems.append(Problem(source, f"不认识的列：不是量表 {instrument.framework.id} 的题目{hint}",
                                    row=header_line, column=c))
    dup = [c for c in set(cols) if cols.count(c) > 1]
    for c in dup:
        problems.append(Problem(source, "这一列出现了不止一次", row=header_line, column=c))
    if problems:
        raise DataError(problems)

    line = {i: header_line + 1 + k for k, i in enumerate(df.index)}
    out = pd.DataFrame(index=df.index)
    id_cols = ([respondent_col] if per_respondent else []) + [community_col]
    for c in id_cols:
        vals = df[c].map(lambda v: "" if v is None or (isinstance(v, float) and v != v) else str(v).strip())
        for i in df.index[vals == ""]:
            problems.append(Problem(source, "空格：每一行都要填" +
                                    ("答卷人编号" if c == respondent_col else "社区名称"),
                                    row=line[i], column=c))
        out[c] = vals
    key = respondent_col if per_respondent else community_col
    seen: dict[str, int] = {}
    for i, v in out[key].items():
        if v and v in seen:
            problems.append(Problem(source, f"{'答卷人编号' if per_respondent else '社区'}重复（第 {seen[v]} 行也是它）",
                                    row=line[i], column=key, value=v))
        seen.setdefault(v, line[i])
    rule = (f"应为 {lo} 到 {hi} 的整数" if per_respondent
            else f"应为 {lo} 到 {hi} 之间的数")
    for it in items:
        raw = df[it]
        num = pd.to_numeric(raw.map(lambda v: v.strip() if isinstance(v, str) else v), errors="coerce")
        for i in df.index:
            v, x = raw[i], num[i]
            blank = v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)
            if blank:
                problems.append(Problem(source, f"没有作答；{rule}", row=line[i], column=it))
            elif x != x:
                problems.append(Problem(source, f"不是数字；{rule}", row=line[i], column=it, value=v))
            elif not lo <= x <= hi:
                problems.append(Problem(source, f"超出量表的分值范围 {lo}–{hi}", row=line[i], column=it,
                                        value=v))
            elif per_respondent and float(x) != int(x):
                problems.append(Problem(source, f"不是整数；{rule}", row=line[i], column=it, value=v))
        out[it] = num
    if problems:
        raise DataError(problems)
    for it in items:
        out[it] = out[it].astype(int) if per_respondent else out[it].astype(float)
    out = out.reset_index(drop=True)
    out.attrs.update(df.attrs)
    return out


def communities(responses, *, community_col: str = COMMUNITY) -> list[str]:
    """Community names in order of first appearance."""
    return list(dict.fromkeys(responses[community_col]))


def check_community(responses, community: str, *, community_col: str = COMMUNITY) -> str:
    """Return *community* if the responses hold it, else raise ParameterError listing the known ones."""
    known = communities(responses, community_col=community_col)
    if community not in known:
        raise ParameterError(f"数据里没有社区“{community}”；数据里的社区：{'、'.join(known)}")
    return community
