"""The cross-case matrix: every article coded against a common set of dimensions.

The coding lives in ``data/crosscase.yaml`` so instructors can change a level,
a note or a locator and rebuild the lessons.  The file holds

``title_zh``
    A title for the matrix.
``levels``
    Level number -> name (``0: 未涉及``, ``1: 提及``, ``2: 展开论述``, ``3: 核心主题``);
    numbers run from 0 without gaps.
``dimensions``
    A list of ``{id, label_zh, note_zh}``: what each dimension covers and why
    it is in the matrix.
``cases``
    A list of ``{id, label_zh, framework}``: ``id`` is a source id of
    ``data/sources.csv``; ``framework`` optionally names its framework file.
``method_zh``
    How the cells were coded, in Chinese (who read, in what order, what
    counts as evidence).
``level_rules``
    Level number -> what a cell needs to reach that level (one Chinese
    sentence per level, same keys as ``levels``).
``framework_note_zh``
    Which dimensions are borrowed from one article's own framework, and
    what that does to the comparison.
``coding``
    ``case id -> dimension id -> {level, note_zh, locator}``, one cell for
    every case and every dimension.  A cell a second reading codes
    differently also has ``second_reading: {level, note_zh}`` — the other
    level and why; :func:`disputed_cells` lists them.

:func:`load_crosscase` validates all of this (pydantic plus cross-checks) and
raises one :class:`~govlib.errors.DataError` naming the file and the key path
(e.g. ``coding.xiamen.grid.level``) of every problem.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from govlib import paths
from govlib.errors import DataError, ParameterError, Problem, display_path
from govlib.schemas import SLUG

CROSSCASE_YAML = paths.DATA / "crosscase.yaml"


def _not_blank(v: str) -> str:
    if not v.strip():
        raise ValueError("不能为空")
    return v


class Dimension(BaseModel):
    """A column of the coding: what is looked for in every article."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    label_zh: str = Field(min_length=1, max_length=10)
    note_zh: str = Field(min_length=1)

    @field_validator("label_zh", "note_zh")
    @classmethod
    def _blank(cls, v: str) -> str:
        return _not_blank(v)


class Case(BaseModel):
    """A row of the coding: one article."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)  # a source id of data/sources.csv (checked by load_crosscase)
    label_zh: str = Field(min_length=1, max_length=12)
    framework: str | None = None


class SecondReading(BaseModel):
    """Another reader's level for a cell, and the reason (a visible disagreement)."""

    model_config = ConfigDict(extra="forbid")

    level: int
    note_zh: str = Field(min_length=1, max_length=80)

    @field_validator("note_zh")
    @classmethod
    def _blank(cls, v: str) -> str:
        return _not_blank(v)


class Cell(BaseModel):
    """The coding of one article on one dimension."""

    model_config = ConfigDict(extra="forbid")

    level: int
    note_zh: str = Field(min_length=1, max_length=60)
    locator: str = Field(min_length=1)
    second_reading: SecondReading | None = None

    @field_validator("note_zh", "locator")
    @classmethod
    def _blank(cls, v: str) -> str:
        return _not_blank(v)


class CrossCase(BaseModel):
    """The whole coding file (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    title_zh: str = Field(min_length=1)
    levels: dict[int, str]
    method_zh: str = ""
    level_rules: dict[int, str] = Field(default_factory=dict)
    framework_note_zh: str = ""
    dimensions: list[Dimension] = Field(min_length=1)
    cases: list[Case] = Field(min_length=2)
    coding: dict[str, dict[str, Cell]]

    # -- lookups ---------------------------------------------------------------
    def case_id(self, case: str) -> str:
        """Case id for an id (``"pujiang"``) or a label (``"蒲江"``); ParameterError if unknown."""
        for c in self.cases:
            if case in (c.id, c.label_zh):
                return c.id
        raise ParameterError(f"没有案例“{case}”；可选的案例："
                             + "、".join(f"{c.label_zh}（{c.id}）" for c in self.cases))

    def dimension_id(self, dimension: str) -> str:
        """Dimension id for an id or a label; ParameterError if unknown."""
        for d in self.dimensions:
            if dimension in (d.id, d.label_zh):
                return d.id
        raise ParameterError(f"没有维度“{dimension}”；可选的维度："
                             + "、".join(f"{d.label_zh}（{d.id}）" for d in self.dimensions))

    def get_case(self, case: str) -> Case:
        """The :class:`Case` entry of a case id or label (with its ``framework`` file name)."""
        cid = self.case_id(case)
        return next(c for c in self.cases if c.id == cid)

    def label(self, case_or_dimension: str) -> str:
        """Chinese label of a case or dimension id."""
        for x in [*self.cases, *self.dimensions]:
            if x.id == case_or_dimension:
                return x.label_zh
        raise KeyError(case_or_dimension)

    def cell(self, case: str, dimension: str) -> Cell:
        """The coded cell of a case on a dimension (ids or labels)."""
        return self.coding[self.case_id(case)][self.dimension_id(dimension)]


def load_crosscase(path: str | Path = CROSSCASE_YAML) -> CrossCase:
    """Load and validate the cross-case coding file.

    Parameters
    ----------
    path : path-like
        Default ``data/crosscase.yaml``.

    Returns
    -------
    CrossCase

    Raises
    ------
    DataError
        Naming the file and key path of every problem: YAML syntax, missing or
        unknown keys, a level that is not in ``levels``, levels not numbered
        0, 1, 2 …, duplicate ids, a case or dimension without coding, a coded
        case or dimension that is not declared, a blank note or locator, a
        ``framework`` file that does not exist.
    """
    from govlib.yamlfile import load_model

    p = Path(path)
    shown = display_path(p)
    cc = load_model(p, CrossCase, expect="一个映射，含 title_zh、levels、dimensions、cases 和 coding")
    problems: list[Problem] = []
    if sorted(cc.levels) != list(range(len(cc.levels))):
        problems.append(Problem(shown, "levels 应从 0 起连续编号：0、1、2……", column="levels",
                                value=sorted(cc.levels)))
    for what, items in (("dimensions", cc.dimensions), ("cases", cc.cases)):
        seen: set[str] = set()
        for i, x in enumerate(items):
            if x.id in seen:
                problems.append(Problem(shown, "编号重复", column=f"{what}.{i}.id", value=x.id))
            seen.add(x.id)
    for i, c in enumerate(cc.cases):
        if c.framework is not None and not (paths.FRAMEWORKS / f"{c.framework}.yaml").is_file():
            problems.append(Problem(shown, f"没有框架文件 data/frameworks/{c.framework}.yaml",
                                    column=f"cases.{i}.framework", value=c.framework))
    from govlib.data import load_sources

    known = set(load_sources(paths.SOURCES_CSV)["id"])
    for i, c in enumerate(cc.cases):
        if c.id not in known:
            problems.append(Problem(shown, "来源编号不在来源表 sources.csv 里", column=f"cases.{i}.id",
                                    value=c.id))
    case_ids = [c.id for c in cc.cases]
    dim_ids = [d.id for d in cc.dimensions]
    for cid in cc.coding:
        if cid not in case_ids:
            problems.append(Problem(shown, "编码了的案例没有列在 cases 下", column=f"coding.{cid}"))
    for cid in case_ids:
        cells = cc.coding.get(cid)
        if cells is None:
            problems.append(Problem(shown, "这个案例没有编码", column=f"coding.{cid}"))
            continue
        for did in dim_ids:
            if did not in cells:
                problems.append(Problem(shown, "缺少这一格：每个案例的每个维度都要编码",
                                        column=f"coding.{cid}.{did}"))
        for did, cell in cells.items():
            if did not in dim_ids:
                problems.append(Problem(shown, "不认识的维度（没有列在 dimensions 下）",
                                        column=f"coding.{cid}.{did}"))
            if cell.level not in cc.levels:
                problems.append(Problem(shown, f"等级应为其中之一：{'、'.join(map(str, sorted(cc.levels)))}",
                                        column=f"coding.{cid}.{did}.level", value=cell.level))
            sr = cell.second_reading
            if sr is not None and sr.level not in cc.levels:
                problems.append(Problem(shown, f"等级应为其中之一：{'、'.join(map(str, sorted(cc.levels)))}",
                                        column=f"coding.{cid}.{did}.second_reading.level", value=sr.level))
            elif sr is not None and sr.level == cell.level:
                problems.append(Problem(shown, "第二种读法的等级应与 level 不同（相同就删去）",
                                        column=f"coding.{cid}.{did}.second_reading.level", value=sr.level))
    if cc.level_rules and sorted(cc.level_rules) != sorted(cc.levels):
        problems.append(Problem(shown, "level_rules 应恰好说明 levels 的每一个等级，不多不少",
                                column="level_rules", value=sorted(cc.level_rules)))
    if problems:
        raise DataError(problems)
    return cc


# ----------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------

def _cc(cc) -> CrossCase:
    return load_crosscase() if cc is None else (cc if isinstance(cc, CrossCase) else load_crosscase(cc))


def level_matrix(cc: CrossCase | str | Path | None = None, *, labels: bool = True):
    """Levels as a table: one row per dimension, one column per case.

    Parameters
    ----------
    cc : CrossCase or path, optional
        Default: ``data/crosscase.yaml``.
    labels : bool
        Use Chinese labels (default) or ids for rows and columns.
    """
    import pandas as pd

    cc = _cc(cc)
    data = {(c.label_zh if labels else c.id): [cc.coding[c.id][d.id].level for d in cc.dimensions]
            for c in cc.cases}
    out = pd.DataFrame(data, index=[d.label_zh if labels else d.id for d in cc.dimensions])
    out.index.name = "维度"
    out.columns.name = "案例"
    return out


def cell_table(cc: CrossCase | str | Path | None = None, *, case: str | None = None,
               dimension: str | None = None, min_level: int = 0):
    """The coded cells as a long table: 案例, 维度, 等级, 等级名称, 要点, 出处.

    Parameters
    ----------
    case, dimension : str, optional
        Keep one case and/or one dimension (id or label).
    min_level : int
        Keep cells at this level or above.
    """
    import pandas as pd

    cc = _cc(cc)
    cases = [cc.case_id(case)] if case is not None else [c.id for c in cc.cases]
    dims = [cc.dimension_id(dimension)] if dimension is not None else [d.id for d in cc.dimensions]
    rows = []
    for cid in cases:
        for did in dims:
            cell = cc.coding[cid][did]
            if cell.level >= min_level:
                rows.append({"案例": cc.label(cid), "维度": cc.label(did), "等级": cell.level,
                             "等级名称": cc.levels[cell.level], "要点": cell.note_zh, "出处": cell.locator})
    return pd.DataFrame(rows, columns=["案例", "维度", "等级", "等级名称", "要点", "出处"])


def level_rules_table(cc: CrossCase | str | Path | None = None):
    """What each level requires: 等级, 名称, 编码要求 (from ``level_rules``)."""
    import pandas as pd

    cc = _cc(cc)
    return pd.DataFrame([{"等级": k, "名称": cc.levels[k], "编码要求": cc.level_rules.get(k, "（未写明）")}
                         for k in sorted(cc.levels)])


def disputed_cells(cc: CrossCase | str | Path | None = None):
    """The cells a second reading codes differently: 案例, 维度, 第一次阅读, 第二次阅读, 分歧说明, 出处.

    Returns
    -------
    pandas.DataFrame
        One row per disputed cell, in case then dimension order (empty when
        no cell has a ``second_reading``).
    """
    import pandas as pd

    cc = _cc(cc)
    rows = []
    for c in cc.cases:
        for d in cc.dimensions:
            cell = cc.coding[c.id][d.id]
            if cell.second_reading is not None:
                rows.append({"案例": c.label_zh, "维度": d.label_zh,
                             "第一次阅读": cc.levels[cell.level],
                             "第二次阅读": cc.levels[cell.second_reading.level],
                             "分歧说明": cell.second_reading.note_zh, "出处": cell.locator})
    return pd.DataFrame(rows, columns=["案例", "维度", "第一次阅读", "第二次阅读", "分歧说明", "出处"])


def level_summary(cc: CrossCase | str | Path | None = None):
    """Per case, counts of cells by level and the median level — no means.

    Codes 0–3 are ordered categories, not measurements, so a mean with
    decimals would suggest a precision the coding does not have.  The
    table gives, for every case, how many dimensions sit at each level,
    the median level (as a level name; a median between two levels is
    shown as 「甲至乙之间」) and how many of its cells a second reading
    disputes.

    Returns
    -------
    pandas.DataFrame
        Indexed by case label; columns: one per level name (counts), 中位等级,
        有分歧的格数.
    """
    import statistics

    import pandas as pd

    cc = _cc(cc)
    rows = {}
    for c in cc.cases:
        levels = [cc.coding[c.id][d.id].level for d in cc.dimensions]
        row = {cc.levels[k]: levels.count(k) for k in sorted(cc.levels)}
        row["中位等级"] = median_level_name(cc, statistics.median(levels))
        row["有分歧的格数"] = sum(cc.coding[c.id][d.id].second_reading is not None for d in cc.dimensions)
        rows[c.label_zh] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "案例"
    return out


def median_level_name(cc: CrossCase, median: float) -> str:
    """A median level as words: the level's name, or 「甲至乙之间」 for a half level."""
    if float(median).is_integer():
        return cc.levels[int(median)]
    lo, hi = int(median // 1), int(median // 1) + 1
    return f"{cc.levels[lo]}至{cc.levels[hi]}之间"


def emphasis(cc: CrossCase | str | Path | None = None, case: str = "pujiang", *, min_level: int | None = None):
    """What a case emphasises: its cells from the highest level down.

    Parameters
    ----------
    case : str
        Case id or label.
    min_level : int, optional
        Default: the highest level (核心主题).
    """
    cc = _cc(cc)
    top = max(cc.levels) if min_level is None else min_level
    t = cell_table(cc, case=case, min_level=top)
    return t.sort_values("等级", ascending=False, kind="stable").reset_index(drop=True)


def count_at_least(cc: CrossCase | str | Path | None = None, dimension: str = "subject", level: int = 2) -> int:
    """How many cases reach at least *level* on *dimension*."""
    cc = _cc(cc)
    if level not in cc.levels:
        raise ParameterError(f"等级应为其中之一：{'、'.join(map(str, sorted(cc.levels)))}（现为 {level!r}）")
    did = cc.dimension_id(dimension)
    return sum(1 for c in cc.cases if cc.coding[c.id][did].level >= level)


def case_distance(cc: CrossCase | str | Path | None = None, a: str = "pujiang", b: str = "xiamen") -> float:
    """Mean absolute difference of two cases' levels over all dimensions (0 = identical profiles)."""
    cc = _cc(cc)
    ca, cb = cc.case_id(a), cc.case_id(b)
    diffs = [abs(cc.coding[ca][d.id].level - cc.coding[cb][d.id].level) for d in cc.dimensions]
    return sum(diffs) / len(diffs)


def distance_matrix(cc: CrossCase | str | Path | None = None):
    """:func:`case_distance` between every pair of cases (a symmetric table, zeros on the diagonal)."""
    import pandas as pd

    cc = _cc(cc)
    names = [c.label_zh for c in cc.cases]
    ids = [c.id for c in cc.cases]
    return pd.DataFrame([[case_distance(cc, a, b) for b in ids] for a in ids], index=names, columns=names)


# ----------------------------------------------------------------------------
# the heatmap
# ----------------------------------------------------------------------------

def draw_crosscase(cc: CrossCase | str | Path | None = None, *, ax=None, title: str | None = None,
                   cases=None, dimensions=None, annotate: bool = True):
    """Draw the cross-case matrix as a heatmap (cases as columns, dimensions as rows).

    Parameters
    ----------
    cc : CrossCase or path, optional
        Default: ``data/crosscase.yaml``.
    ax : matplotlib Axes, optional
    title : str, optional
        Default: the file's ``title_zh``.
    cases, dimensions : sequence of str, optional
        Subsets (ids or labels), in the order to show.
    annotate : bool
        Write each cell's level name in it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap

    from govlib.plotting import use_cjk_font

    use_cjk_font()
    cc = _cc(cc)
    cids = [cc.case_id(c) for c in cases] if cases is not None else [c.id for c in cc.cases]
    dids = [cc.dimension_id(d) for d in dimensions] if dimensions is not None else [d.id for d in cc.dimensions]
    m = np.array([[cc.coding[c][d].level for c in cids] for d in dids], dtype=float)
    nlev = len(cc.levels)
    base = ["#f7f7f7", "#f9dede", "#eb9a9a", "#b22222", "#7f1010", "#4d0808"]
    cmap = ListedColormap(base[:nlev] if nlev <= len(base) else plt.get_cmap("Reds")(np.linspace(0.05, 1, nlev)))
    norm = BoundaryNorm(np.arange(-0.5, nlev, 1.0), cmap.N)
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.3 * len(cids) + 3.2, 0.55 * len(dids) + 1.8))
    fig = ax.figure
    im = ax.imshow(m, cmap=cmap, norm=norm, aspect="auto")
    ax.set_xticks(range(len(cids)), [cc.label(c) for c in cids], fontsize=11)
    ax.set_yticks(range(len(dids)), [cc.label(d) for d in dids], fontsize=11)
    ax.xaxis.tick_top()
    ax.tick_params(which="both", length=0)
    ax.set_xticks(np.arange(-0.5, len(cids), 1), minor=True)
    ax.set_yticks(np.arange(-0.5, len(dids), 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.grid(which="major", visible=False)
    for s in ax.spines.values():
        s.set_visible(False)
    disputed = False
    if annotate:
        for i in range(len(dids)):
            for j in range(len(cids)):
                lev = int(m[i, j])
                sr = cc.coding[cids[j]][dids[i]].second_reading
                text = cc.levels[lev] if sr is None else f"{cc.levels[lev]}\n（另读：{cc.levels[sr.level]}）"
                disputed = disputed or sr is not None
                ax.text(j, i, text, ha="center", va="center", fontsize=9 if sr is None else 8,
                        color="white" if lev >= max(2, nlev - 1) else "#333333")
                if sr is not None:
                    from matplotlib.patches import Rectangle

                    ax.add_patch(Rectangle((j - 0.46, i - 0.44), 0.92, 0.88, fill=False, linestyle="--",
                                           linewidth=1.2, edgecolor="#1f4e79"))
    cbar = fig.colorbar(im, ax=ax, ticks=range(nlev), fraction=0.04, pad=0.02)
    cbar.ax.set_yticklabels([f"{k} {cc.levels[k]}" for k in range(nlev)], fontsize=9)
    ax.set_title(title if title is not None else cc.title_zh, pad=12, fontsize=12)
    if disputed:
        ax.set_xlabel("虚线框：第二次阅读给出不同等级的格子（括号内为另一读法）", fontsize=9, labelpad=8)
    return fig
