"""The Quanzhou cadre questionnaire: its questions, groups and register rows, in one place.

Shi Meiping's article on Quanzhou (``quanzhou`` in ``data/sources.csv``)
reports a sampled questionnaire of township (乡镇/街道) and village (村/社区)
cadres in its section 二, and one ranking of residents' needs (图5) in
section 三.  It prints percentages, two pairs of means and two rankings, but
no sample sizes.

:data:`QUESTIONS` maps each question to its register ids; it is the only
place in govlib that names them.  :func:`questionnaire_ids` returns the ids
and checks them against a rule on the register (locator in section 二 and a
cadre or respondent group, or the residents' group), so a row added to the
register later is noticed instead of silently left out of the lesson.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from govlib.data import Register, load_register
from govlib.errors import DataError, Problem

#: respondent groups: key -> the ``group`` cell of the register
GROUPS: dict[str, str] = {
    "township": "乡镇（街道）干部",
    "village": "村（社区）干部",
    "both": "乡镇和村两级干部",
    "respondents": "受访者（层级未注明）",
    "residents": "群众",
}

#: groups whose shares can constrain a sample size (they print decimals)
SAMPLE_GROUPS = ("township", "village", "respondents")

#: rows that match the selection rule but are not questionnaire results
EXCLUDED: dict[str, str] = {
    "qz-village-monthly-pay": "来自访谈，不是问卷统计",
}


@dataclass(frozen=True)
class Question:
    """One question (or one figure) of the questionnaire.

    Parameters
    ----------
    key : str
        Short English key.
    title_zh : str
        Chinese title in our own words.
    kind : str
        ``ranking`` (order only), ``shares`` (percentages), ``means`` or
        ``frequency`` (counts per week/month, stated loosely).
    ids : tuple of str
        Register ids, in display order (derived rows included).
    figure : str
        The article's figure number (``图2``) when it cites one, else ``""``.
    """

    key: str
    title_zh: str
    kind: str
    ids: tuple[str, ...]
    figure: str = ""


QUESTIONS: dict[str, Question] = {q.key: q for q in (
    Question("constraints", "制约基层治理能力的因素（排序）", "ranking", (
        "qz-fig1-rank-powers", "qz-fig1-rank-finance", "qz-fig1-rank-staff",
        "qz-fig1-rank-methods", "qz-fig1-rank-venues"), "图1"),
    Question("list_township", "乡镇权责清单的公布与执行（乡镇干部，单选）", "shares", (
        "qz-list-published-enforced", "qz-list-unclear", "qz-list-published-not-enforced",
        "qz-list-not-published")),
    Question("list_village", "相关清单是否落实（村干部）", "shares", ("qz-village-list-not-implemented",)),
    Question("enforcement", "综合执法队伍（乡镇干部）", "shares", (
        "qz-enforcement-inefficient-over60", "qz-no-enforcement-team")),
    Question("purchase", "责任主体与购买服务（村干部）", "shares", (
        "qz-village-responsible-over90", "qz-purchase-services", "qz-purchase-paid-full",
        "qz-purchase-paid-partial"), "图2"),
    Question("incentive_township", "最有效的激励措施（乡镇干部）", "shares", ("qz-mobility-promotion",), "图3"),
    Question("incentive_village", "激励村干部最有效的措施（受访者）", "shares", ("qz-pay-workload",), "图4"),
    Question("accountability", "“一票否决”事项与责任状（平均数）", "means", (
        "qz-veto-township", "qz-pledge-township", "qz-veto-village", "qz-pledge-village")),
    Question("wechat", "加入的微信工作群数量", "shares", (
        "qz-wechat-over10-half",
        "qz-wechat-township-over20", "qz-wechat-township-10to20",
        "qz-wechat-township-over10", "qz-wechat-township-under10",
        "qz-wechat-village-over20", "qz-wechat-village-10to20",
        "qz-wechat-village-over10", "qz-wechat-village-under10")),
    Question("meetings", "开会与迎检频次", "frequency", (
        "qz-meeting-weekly-two-thirds", "qz-meeting-weekly", "qz-inspections-monthly")),
    Question("grid", "网格化横向整合（乡镇干部）", "shares", ("qz-grid-integration-weak",)),
    Question("services", "群众认为急需完善的公共服务（排序）", "ranking", (
        "qz-fig5-rank-facilities", "qz-fig5-rank-sanitation", "qz-fig5-rank-eldercare",
        "qz-fig5-rank-old-estates", "qz-fig5-rank-kindergarten", "qz-fig5-rank-clinic"), "图5"),
)}


def question(key: str) -> Question:
    """Look a question up by key (``KeyError`` lists the keys)."""
    try:
        return QUESTIONS[key]
    except KeyError:
        raise KeyError(f"no question {key!r}; known: {', '.join(QUESTIONS)}") from None


def _selected_by_rule(reg: Register) -> list[str]:
    cadre = {GROUPS[k] for k in ("township", "village", "both", "respondents")}
    out = []
    for fid in reg.ids("quanzhou"):
        f = reg.figure(fid)
        in_survey = f.locator.startswith("二") and f.group in cadre
        if (in_survey or f.group == GROUPS["residents"]) and fid not in EXCLUDED:
            out.append(fid)
    return out


def questionnaire_ids(register: Register | None = None, *, derived: bool = True) -> list[str]:
    """All register ids of the questionnaire, question by question.

    Parameters
    ----------
    register : Register, optional
        Default: the project's register.
    derived : bool
        Include rows the register derives from printed ones (the WeChat
        totals and remainders).

    Returns
    -------
    list of str

    Raises
    ------
    DataError
        When :data:`QUESTIONS` and the register disagree: an id missing from
        the register, or a register row that looks like a questionnaire
        result (section 二, a cadre group; or the residents' group) but is
        not mapped to a question.
    """
    reg = register or load_register()
    ids = [i for q in QUESTIONS.values() for i in q.ids]
    problems = [Problem("data/figures.csv", "questionnaire row missing from the register", value=i)
                for i in ids if i not in reg]
    problems += [Problem("data/figures.csv", "row looks like a questionnaire result but no question "
                         "in govlib.survey.QUESTIONS uses it", value=i)
                 for i in _selected_by_rule(reg) if i not in ids]
    if problems:
        raise DataError(problems)
    if not derived:
        ids = [i for i in ids if not reg.figure(i).derived]
    return ids


def group_key(group_label: str | None) -> str | None:
    """The key of a register ``group`` cell (``"乡镇（街道）干部"`` -> ``"township"``)."""
    for k, v in GROUPS.items():
        if v == group_label:
            return k
    return None


def short_label(fig_id: str, register: Register | None = None) -> str:
    """A register label shortened for an axis or a category.

    Drops a leading 认为/加入/反映 and a trailing 的比例; for ranking rows keeps
    the item after the colon.
    """
    reg = register or load_register()
    lab = reg.figure(fig_id).label_zh
    if "：" in lab:
        return lab.split("：", 1)[1]
    for pre in ("认为", "加入", "反映"):
        if lab.startswith(pre):
            lab = lab[len(pre):]
    return lab.removesuffix("的比例")


def question_table(key: str, register: Register | None = None) -> pd.DataFrame:
    """A tidy table of one question: one row per register figure.

    Columns: ``question, figure, group, group_key, id, label, value, rank,
    qualifier, decimals, unit, text, derived, cite``.  ``value`` is empty for
    ranking rows and ``rank`` is empty for all others, so a ranking is never
    mistaken for a quantity.
    """
    reg = register or load_register()
    q = question(key)
    rows = []
    for fid in q.ids:
        f = reg.figure(fid)
        is_rank = f.qualifier == "rank"
        rows.append({
            "question": q.key, "figure": q.figure, "group": f.group, "group_key": group_key(f.group),
            "id": fid, "label": f.label_zh,
            "value": float("nan") if is_rank or f.value is None else f.value,
            "rank": int(f.value) if is_rank else pd.NA,
            "qualifier": f.qualifier, "decimals": f.decimals, "unit": f.unit, "text": f.text,
            "derived": f.derived, "cite": reg.cite(fid),
        })
    return pd.DataFrame(rows)


def questionnaire_table(register: Register | None = None) -> pd.DataFrame:
    """:func:`question_table` of every question, stacked."""
    reg = register or load_register()
    questionnaire_ids(reg)  # checks the mapping against the register
    return pd.concat([question_table(k, reg) for k in QUESTIONS], ignore_index=True)
