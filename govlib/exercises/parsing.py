"""Reading answers as people write them: numbers (Arabic or Chinese numerals, with units), yes/no, option wording.

Nothing here knows about exercises: each function takes the raw answer and
returns what it says (:class:`_Num`, a bool, a normalised string).
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass

# a number as text (after Chinese numerals became digits): sign, digits, decimals, optional 万/亿, unit
_NUM = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+))(万|亿)?(%|[^\W\d_]{0,6})$")
# a run of Chinese numerals, with decimals and a trailing 万/亿 (十一点八, 一百零四, 三点五万, 二〇二一)
_CN_RUN = re.compile(r"负?[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?")
# Traditional forms of the numeral characters (a reader of the zh-Hant page)
_CN_HANT = str.maketrans({"兩": "两", "點": "点", "萬": "万", "億": "亿", "貳": "二", "參": "三"})
_PCT_WORD = "百分之"
_PCT_MARK = "\ue000"  # stands for 百分之 while the numerals around it are converted
# words around a number that do not change it: 共8条, 至少104人, 每组104人, 约11.8%, 答：33个月, 104人左右
_LEAD = re.compile(r"^(?:答案?(?:是|为)?|[:：]|共计|总共|一共|合计|总计|共|约为|约|大约|大概|≈|~|近|将近|接近|至少|最少|不少于|"
                   r"不低于|起码|每组|每户|每人|每个|每村|每社区|需要|需|要|应为|应是|为|是|得|等于|=)+")
_TAIL = re.compile(r"(?:左右|上下|以上|上下浮动)$")
# a duration in years and months: 2年9个月, 两年零九个月, 2年零9月, 三年半
_DURATION = re.compile(r"^(\d+)年(?:零|又)?(?:(\d+)个?月|(半))$")
# 成 (tenths): 九成 = 90%, 八成五 = 85%, 7.5成 = 75%
_TENTHS = re.compile(r"^(\d+(?:\.\d+)?)成(\d)?$")
_SCALE = {"万": 1e4, "亿": 1e8}
_PCT_SUFFIX = {"%", "个百分点", "百分点"}
#: units that name the same thing; an answer may carry any unit of its exercise's group
UNIT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"人", "名", "位"}),
    frozenset({"户", "家"}),
    frozenset({"个", "条", "项", "次", "篇", "所", "类", "处"}),
    frozenset({"个月", "月"}),
    frozenset({"分"}),
    frozenset({"年"}),
)


def _same_unit(a: str, b: str) -> bool:
    return a == b or any(a in g and b in g for g in UNIT_GROUPS)


@dataclass(frozen=True)
class _Num:
    value: float | None
    pct: bool = False
    suffix: str = ""
    decimals: int | None = None  # digits after the decimal point as written (None: unknown)


def _cn2an():
    """cn2an's converter, imported on first use (it loads its tables at import, ~0.2 s)."""
    import cn2an

    return cn2an.cn2an


def _cn_number(run: str) -> float | int | None:
    """A run of Chinese numerals as a number (``十一点八`` 11.8, ``两万`` 20000, ``二〇二一`` 2021), or None.

    cn2an's ``normal`` mode reads it (positional ``一百零四`` and digit by digit
    ``二〇二一``); a decimal followed by 万/亿 (``三点五万``), which cn2an does
    not take, is read as the decimal times the scale.
    """
    import warnings

    run = run.translate(_CN_HANT)
    if not run:
        return None
    scale = 1
    if run[-1] in _SCALE and "点" in run:
        scale, run = int(_SCALE[run[-1]]), run[:-1]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = _cn2an()(run, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return v * scale


def _cn_int(s: str) -> int | None:
    """A whole number written in Chinese numerals (``十二``, ``一百零四``, ``两万``, ``二〇二一``), or None."""
    v = _cn_number(s) if s and "点" not in s else None
    return int(v) if v is not None and float(v).is_integer() else None


def _digits(text: str) -> str:
    """*text* with every run of Chinese numerals written in digits (decimals kept as written: 十一点八零 -> 11.80).

    百分之 before a number becomes a trailing ``%`` (百分之十一点八 and
    百分之11.8 -> 11.8%).
    """
    text = text.translate(_CN_HANT).replace(_PCT_WORD, _PCT_MARK)

    def sub(m):
        run = m.group(0)
        v = _cn_number(run)
        if v is None:
            return run
        if "点" in run:
            body = run.split("点", 1)[1]
            k = len(body.rstrip("万亿"))
            if body and body[-1] in _SCALE:
                return f"{v / _SCALE[body[-1]]:.{k}f}{body[-1]}"
            return f"{v:.{k}f}"
        return str(int(v))

    text = _CN_RUN.sub(sub, text)
    return re.sub(_PCT_MARK + r"([-+]?\d+(?:\.\d+)?)(.*)$", r"\1%\2", text)


def _float_decimals(v: float) -> int | None:
    r = repr(float(v))
    if "e" in r or "inf" in r or "nan" in r:
        return None
    frac = r.split(".")[1] if "." in r else ""
    return 0 if frac == "0" else len(frac)


def _parse_number(x) -> _Num:
    if isinstance(x, bool):
        return _Num(None)
    if isinstance(x, numbers.Real):
        try:
            v = float(x)
        except (TypeError, ValueError, OverflowError):
            return _Num(None)
        if not math.isfinite(v):
            return _Num(None)
        return _Num(v, decimals=0 if isinstance(x, numbers.Integral) else _float_decimals(v))
    if hasattr(x, "item") and callable(x.item) and getattr(x, "size", 1) == 1:  # numpy, pandas
        try:
            inner = x.item()
        except (TypeError, ValueError, AttributeError):
            return _Num(None)
        if inner is x:
            return _Num(None)
        return _parse_number(inner)
    if isinstance(x, str):
        return _parse_text(x)
    return _Num(None)


def _parse_text(text: str) -> _Num:
    """A number written as text, in any of the forms :func:`read_number` lists."""
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"[\s,]", "", s).strip().rstrip("。.!！")
    if any(ord(ch) > 0x2E80 for ch in s):
        s = _simplified(s)  # typed from the zh-Hant page: 兩年零九個月
    s = _digits(s)
    s = _LEAD.sub("", s)
    s = _TAIL.sub("", s)
    m = _DURATION.match(s)
    if m:
        months = 12 * int(m.group(1)) + (6 if m.group(3) else int(m.group(2)))
        return _Num(float(months), False, "个月", 0)
    m = _TENTHS.match(s)
    if m:
        whole, extra = m.group(1), m.group(2)
        v = float(whole) * 10 + (int(extra) if extra else 0)
        dec = max(0, len(whole.split(".")[1]) - 1) if "." in whole else 0
        return _Num(v, True, "%", dec)
    m = _NUM.match(s)
    if m:
        num = m.group(1)
        v = float(num) * _SCALE.get(m.group(2) or "", 1.0)
        dec = len(num.split(".")[1]) if "." in num else 0
        suffix = m.group(3)
        return _Num(v, suffix in _PCT_SUFFIX, suffix, dec)
    return _Num(None)


def read_number(x) -> _Num:
    """What number an answer gives, with its unit and the decimals it was written with.

    Accepts Python and numpy/pandas numbers and text as people write it:
    Arabic or full-width digits (``"３１２５"``, ``"1,234"``, ``"3.5万"``),
    Chinese numerals with decimals (``"十一点八"``, ``"四十五点九分"``,
    ``"二〇二一年"``), percentages (``"11.8%"``, ``"百分之十一点八"``,
    ``"百分之11.8"``, ``"十一点八%"``, ``"九成"`` = 90 %), durations in
    months (``"两年零九个月"`` and ``"2年9个月"`` = 33 个月), and a count
    with words around it that do not change it (``"共8条"``,
    ``"至少104人"``, ``"每组104人"``, ``"约11.8%"``, ``"104人左右"``).

    Parameters
    ----------
    x : object
        The answer.

    Returns
    -------
    _Num
        ``value`` None when no number is read; ``pct`` for a percentage;
        ``suffix`` the unit as written; ``decimals`` as written.
    """
    return _parse_number(x)


_YES = {"是", "对", "正确", "真", "能", "可能", "可以", "会", "有", "达到", "显著", "成立", "行", "可以说", "能说",
        "算", "属于", "yes", "y", "true", "t", "1", "√", "✓"}
_NO = {"否", "不", "不是", "不对", "错", "错误", "假", "不能", "不可能", "不可以", "不会", "没有", "没", "无", "未",
       "未达到", "没达到", "不显著", "不成立", "不行", "不能说", "不可以说", "不算", "不属于", "并不", "并不能", "否定",
       "no", "n", "false", "f", "0", "×", "✗"}
# particles after a yes or no that do not change it: 是的, 不能说的, 不是啊
_BOOL_TAIL = re.compile(r"[的吧啊呀呢了]+$")


def _as_bool(x) -> bool | None:
    if hasattr(x, "item") and callable(x.item) and not isinstance(x, (str, bool, int)):
        try:
            x = x.item()
        except (TypeError, ValueError, AttributeError):
            return None
    if isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).strip().strip("\"'“”‘’「」。.!！,，").strip().lower()
        s = _simplified(s) if any(ord(ch) > 0x2E80 for ch in s) else s
        for cand in (s, _BOOL_TAIL.sub("", s)):
            if cand in _YES:
                return True
            if cand in _NO:
                return False
        return None
    if isinstance(x, (bool, int)) and x in (0, 1):
        return bool(x)
    return None


def read_bool(x) -> bool | None:
    """Whether an answer says yes or no: True/False, 1/0, 是/否, 对/错, 能/不能, 不, 不是, 不能说, 是的 …; None otherwise."""
    return _as_bool(x)


# quotes, brackets, spaces and punctuation that do not change which option is meant
_CHOICE_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】,，、。.;；:：!！?？·・—\-_]+")


def _norm_choice(x) -> str:
    return _CHOICE_NOISE.sub("", unicodedata.normalize("NFKC", str(x))).casefold()


_T2S = None


def _simplified(text: str) -> str:
    """Traditional characters as Simplified (OpenCC ``t2s``): a reader of the zh-Hant page types 協商."""
    global _T2S
    if _T2S is None:
        try:
            import opencc

            _T2S = opencc.OpenCC("t2s").convert
        except Exception:  # pragma: no cover - opencc is a dependency of the build, not of checking
            _T2S = str
    return _T2S(text)

