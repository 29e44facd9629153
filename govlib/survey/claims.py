"""Checking the article's own arithmetic and verbal claims from the register.

Each check names the register rows it uses, computes a value from them, and
gives a verdict.  Printed values are rounded, so a sum of printed shares can
miss its total by up to half a unit of the last printed digit of each term:
a check passes *exactly* when the arithmetic holds to the printed precision,
*within rounding* when the difference is no larger than that, and fails
otherwise.  Values we compute are marked 推算 (derived), never shown as the
article's.

Every check reads its numbers from the register, so breaking a register
value (in a copy) makes the check fail; the tests do exactly that.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from govlib.data import Register, format_number, load_register

EXACT, ROUNDING, FAIL = "相符（精确）", "相符（在舍入误差内）", "不符"


@dataclass(frozen=True)
class Check:
    """One claim check.

    Attributes
    ----------
    claim_zh : str
        What the article says or implies, in our words.
    ids : tuple of str
        Register rows used.
    expression : str
        How the computed value is obtained (ids and operators).
    computed : float
        The value computed from the rows (derived).
    verdict : str
        相符（精确）, 相符（在舍入误差内） or 不符.
    derived_note : str
        What the computed value is (labelled as derived).
    """

    claim_zh: str
    ids: tuple[str, ...]
    expression: str
    computed: float
    verdict: str
    derived_note: str = ""

    @property
    def ok(self) -> bool:
        """True unless the verdict is 不符."""
        return self.verdict != FAIL


def _half_unit(reg: Register, fid: str) -> float:
    d = reg.figure(fid).decimals
    return 0.5 * 10.0 ** -(d if d is not None else 0)


def _equality(reg: Register, terms: list[str], target: float, tol: float, decimals: int):
    got = sum(reg.value(i) for i in terms)
    diff = abs(round(got - target, 6))
    if round(got, decimals) == round(target, decimals):
        return got, EXACT
    return got, ROUNDING if diff <= tol + 1e-9 else FAIL


def sums_to_100(reg: Register, ids: list[str], claim_zh: str) -> Check:
    """The answers of a single-choice question add up to 100% (within rounding)."""
    tol = sum(_half_unit(reg, i) for i in ids)
    got, verdict = _equality(reg, ids, 100.0, tol, 1)
    return Check(claim_zh, tuple(ids), " + ".join(ids), got, verdict,
                 f"合计{format_number(got, 1)}%（推算）")


def parts_make_total(reg: Register, parts: list[str], total: str, claim_zh: str) -> Check:
    """Printed parts add up to a printed total (within rounding)."""
    tol = sum(_half_unit(reg, i) for i in parts + [total])
    dec = reg.figure(total).decimals or 0
    got, verdict = _equality(reg, parts, reg.value(total), tol, dec)
    return Check(claim_zh, tuple(parts + [total]), f"{' + '.join(parts)} = {total}", got, verdict,
                 f"两部分之和{format_number(got, dec)}%（推算）")


def more_than(reg: Register, parts: list[str], bound: str, claim_zh: str, *, derived: str | None = None) -> Check:
    """Printed parts add up to more than a verbal bound (一半以上), even at their lowest.

    Each printed part may be up to half a unit above its true value; the
    claim holds when the sum minus those half units still exceeds the bound.
    """
    got = sum(reg.value(i) for i in parts)
    low = got - sum(_half_unit(reg, i) for i in parts)
    limit = reg.value(bound)
    verdict = EXACT if low > limit else (ROUNDING if got > limit else FAIL)
    ids = tuple(parts + [bound] + ([derived] if derived else []))
    return Check(claim_zh, ids, f"{' + '.join(parts)} > {bound}", got, verdict,
                 f"合计{format_number(got, 1)}%（推算），按舍入最低{format_number(round(low, 2), None)}%")


def part_within(reg: Register, part: str, whole: str, claim_zh: str) -> Check:
    """A printed part (其中34.3%) fits inside a whole stated as a lower bound (超过60%).

    The rest of the whole is then more than ``whole - part`` (derived).
    """
    p, w = reg.value(part), reg.value(whole)
    rest = w - p
    verdict = EXACT if 0 <= p <= 100 and rest >= -_half_unit(reg, part) else FAIL
    dec = reg.figure(part).decimals or 0
    return Check(claim_zh, (whole, part), f"{whole} - {part}", rest, verdict,
                 f"整体中其余部分超过{format_number(rest, dec)}%（推算）")


def below(reg: Register, low: str, high: str, claim_zh: str) -> Check:
    """One printed share is below another (the article's “仅有” contrast)."""
    a, b = reg.value(low), reg.value(high)
    dec = reg.figure(low).decimals or 0
    return Check(claim_zh, (high, low), f"{low} < {high}", b - a, EXACT if a < b else FAIL,
                 f"相差至少{format_number(b - a, dec)}个百分点（推算）")


def remainder(reg: Register, parts: list[str], derived: str, claim_zh: str) -> Check:
    """Printed parts leave a non-negative remainder, matching the register's derived row."""
    got = 100 - sum(reg.value(i) for i in parts)
    f = reg.figure(derived)
    verdict = EXACT if got >= 0 and round(got, f.decimals or 1) == round(f.value, f.decimals or 1) else FAIL
    return Check(claim_zh, tuple(parts + [derived]), f"100 - {' - '.join(parts)}", got, verdict,
                 f"其余{format_number(got, f.decimals)}%（推算）")


def complete_ranking(reg: Register, ids: list[str], claim_zh: str) -> Check:
    """A ranking lists positions 1..k once each (the article gives the order only)."""
    ranks = sorted(int(reg.value(i)) for i in ids)
    ok = ranks == list(range(1, len(ids) + 1))
    return Check(claim_zh, tuple(ids), "ranks", float(len(ids)), EXACT if ok else FAIL,
                 f"共{len(ids)}项，依次排列，只有次序没有数值")


def claim_checks(register: Register | None = None) -> list[Check]:
    """Every check of the questionnaire section, computed from the register."""
    reg = register or load_register()
    t, v = "township", "village"
    return [
        sums_to_100(reg, ["qz-list-published-enforced", "qz-list-unclear",
                          "qz-list-published-not-enforced", "qz-list-not-published"],
                    "乡镇干部对权责清单问题的四种回答合起来应是全体受访者"),
        parts_make_total(reg, ["qz-purchase-paid-full", "qz-purchase-paid-partial"], "qz-purchase-services",
                         "购买服务的两种付费情形合起来应等于购买服务的总比例"),
        below(reg, "qz-purchase-services", "qz-village-responsible-over90",
              "“仅有”：反映上级购买服务的村干部少于曾作为责任主体的村干部"),
        part_within(reg, "qz-no-enforcement-team", "qz-enforcement-inefficient-over60",
                    "“其中”：无执法队伍的乡镇干部是认为执法效率不高者的一部分"),
        more_than(reg, [f"qz-wechat-{t}-over20", f"qz-wechat-{t}-10to20"], "qz-wechat-over10-half",
                  "乡镇干部中一半以上加入了较多工作群（两档相加）", derived=f"qz-wechat-{t}-over10"),
        more_than(reg, [f"qz-wechat-{v}-over20", f"qz-wechat-{v}-10to20"], "qz-wechat-over10-half",
                  "村干部中一半以上加入了较多工作群（两档相加）", derived=f"qz-wechat-{v}-over10"),
        remainder(reg, [f"qz-wechat-{t}-over20", f"qz-wechat-{t}-10to20"], f"qz-wechat-{t}-under10",
                  "乡镇干部：两档之外其余受访者的比例不为负（推算）"),
        remainder(reg, [f"qz-wechat-{v}-over20", f"qz-wechat-{v}-10to20"], f"qz-wechat-{v}-under10",
                  "村干部：两档之外其余受访者的比例不为负（推算）"),
        complete_ranking(reg, ["qz-fig1-rank-powers", "qz-fig1-rank-finance", "qz-fig1-rank-staff",
                               "qz-fig1-rank-methods", "qz-fig1-rank-venues"],
                         "图1只给出制约因素的先后次序"),
        complete_ranking(reg, ["qz-fig5-rank-facilities", "qz-fig5-rank-sanitation", "qz-fig5-rank-eldercare",
                               "qz-fig5-rank-old-estates", "qz-fig5-rank-kindergarten", "qz-fig5-rank-clinic"],
                         "图5只给出群众所需服务的先后次序"),
    ]


def claims_frame(register: Register | None = None) -> pd.DataFrame:
    """:func:`claim_checks` as a DataFrame (one row per check)."""
    rows = [{"claim": c.claim_zh, "ids": c.ids, "expression": c.expression, "computed": c.computed,
             "derived_note": c.derived_note, "verdict": c.verdict, "ok": c.ok}
            for c in claim_checks(register)]
    return pd.DataFrame(rows)


def claims_html(register: Register | None = None, *, caption: str | None = None):
    """The claim checks as an HTML table: claim, rows used (with spans), computed, verdict."""
    from govlib.display import HTML, _esc, fig_span

    reg = register or load_register()
    rows = []
    checks = claim_checks(reg)
    caption = f"{caption or '核对结果'}：共{len(checks)}项，相符{sum(c.ok for c in checks)}项"
    for c in checks:
        used = "<br>".join(f"{_esc(reg.figure(i).label_zh)}（{_esc(reg.figure(i).group or '')}）："
                           f"{fig_span(i, register=reg)}" for i in c.ids)
        cls = "gv-ok" if c.ok else "gv-fail"
        rows.append(f"<tr><td>{_esc(c.claim_zh)}</td><td>{used}</td><td>{_esc(c.derived_note)}</td>"
                    f'<td class="{cls}">{_esc(c.verdict)}</td></tr>')
    cap = f"<caption>{_esc(caption)}</caption>"
    head = "<tr><th>文中的说法</th><th>所用登记行</th><th>计算结果（推算）</th><th>结论</th></tr>"
    return HTML(f'<table class="gv-table">{cap}<thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>',
                f"<{len(rows)} claim checks>")
