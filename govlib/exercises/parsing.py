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

# a number as text: optional "about", sign, digits, decimals, optional 万/亿, optional unit
_NUM = re.compile(r"^(?:约|大约|≈|~)?([-+]?(?:\d+(?:\.\d*)?|\.\d+))(万|亿)?(%|[^\W\d_]{0,6})$")
# a whole number in Chinese numerals, optional unit (三条, 十二个, 一百零四人)
_CN_NUM = re.compile(r"^(?:约|大约)?([零〇一二两三四五六七八九十百千万]+)([^\W\d_]{0,6})$")
_CN_VALUE = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
_CN_SMALL_UNIT = {"十": 10, "百": 100, "千": 1000}
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


def _cn_int(s: str) -> int | None:
    """A whole number written in Chinese numerals (``十二``, ``一百零四``, ``两万``, ``二〇二一``), or None."""
    if not s:
        return None
    if len(s) > 1 and all(ch in _CN_VALUE for ch in s):  # digit by digit, as in a year
        return int("".join(str(_CN_VALUE[ch]) for ch in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        elif ch in _CN_SMALL_UNIT:
            section += (1 if digit is None else digit) * _CN_SMALL_UNIT[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


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
        s = unicodedata.normalize("NFKC", x).replace(",", "").replace(" ", "").strip().rstrip("。.")
        m = _NUM.match(s)
        if m:
            num = m.group(1)
            v = float(num) * _SCALE.get(m.group(2) or "", 1.0)
            dec = len(num.split(".")[1]) if "." in num else 0
            suffix = m.group(3)
            return _Num(v, suffix in _PCT_SUFFIX, suffix, dec)
        m = _CN_NUM.match(s)
        if m:
            # the longest numeral prefix that parses (三条 -> 三 + 条, 十二个月 -> 十二 + 个月)
            word, suffix = m.group(1), m.group(2)
            v = _cn_int(word)
            if v is not None:
                return _Num(float(v), False, suffix, 0)
        return _Num(None)
    return _Num(None)


_YES = {"是", "对", "正确", "真", "能", "可能", "可以", "会", "有", "达到", "显著", "yes", "y", "true", "t", "1",
        "√", "✓"}
_NO = {"否", "不是", "不对", "错", "错误", "假", "不能", "不可能", "不可以", "不会", "没有", "无", "未达到",
       "没达到", "不显著", "no", "n", "false", "f", "0", "×", "✗"}


def _as_bool(x) -> bool | None:
    if hasattr(x, "item") and callable(x.item) and not isinstance(x, (str, bool, int)):
        try:
            x = x.item()
        except (TypeError, ValueError, AttributeError):
            return None
    if isinstance(x, str):
        s = unicodedata.normalize("NFKC", x).strip().strip("\"'“”‘’。.!！").strip().lower()
        return True if s in _YES else False if s in _NO else None
    if isinstance(x, (bool, int)) and x in (0, 1):
        return bool(x)
    return None


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

