"""Traditional Chinese copies: OpenCC ``s2tw`` with protected code, values and names.

Which configuration
    ``s2tw`` -- OpenCC's Traditional characters in the Taiwan standard forms
    (為, 才, 裡, 著 rather than s2t's 爲, 纔, 裏, 着), which is what readers
    of Traditional Chinese in Taiwan, Hong Kong and Macau expect on a page.
    The phrase-converting ``s2twp`` was rejected: it rewrites the course's
    own terms (社区 -> 社群, 议事程序 -> 議事程式, 项目 -> 專案), which would
    change what a 社區 *is* in a lesson about community governance.  The few
    everyday words s2tw leaves in mainland usage and that the course shows
    (默认值, 数据) are replaced from the small :data:`PHRASES` table.

What is never converted
    * code: the source of code cells (``<div class="highlight"><pre>``) and
      every ``<code>`` element (parameter values in the header), so a
      Traditional page shows exactly what the notebook accepts;
    * string values of the parameter set that read as names (示例社区B), wherever
      they appear in text (every value is in ``<code>`` in the header anyway);
    * proper names in :data:`NAMES` (authors, places), written with their
      right Traditional form (OpenCC turns the surname 余 into 餘);
    * markup, URLs and base64 data (only runs of non-ASCII text are converted).
"""

from __future__ import annotations

import functools
import re
from typing import Iterable

__all__ = ["CONFIG", "NAMES", "PHRASES", "convert_text", "to_traditional"]

#: the OpenCC configuration (see the module docstring)
CONFIG = "s2tw"

#: proper names -> their Traditional form, applied before OpenCC and kept from it
NAMES: dict[str, str] = {
    "余薛锋": "余薛鋒",  # author (xiamen); the surname 余 is not 餘
    "严晗": "嚴晗",      # author (pujiang)
    "王巍": "王巍",      # author (pujiang)
    "施美萍": "施美萍",  # author (quanzhou)
    "蒲江": "蒲江",
    "泉州": "泉州",
    "厦门": "廈門",
    "成都": "成都",
}

#: everyday words in Taiwan-standard wording (s2tw converts characters only)
PHRASES: dict[str, str] = {
    "默认值": "預設值",
    "默认": "預設",
    "数据": "資料",
}

_CONVERTER = None
_PUA = 0xF0000  # supplementary private use area: placeholders OpenCC leaves alone


def _opencc():
    global _CONVERTER
    if _CONVERTER is None:
        import opencc

        _CONVERTER = opencc.OpenCC(CONFIG)
    return _CONVERTER


def _protect_pattern(words: Iterable[str]) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


@functools.lru_cache(maxsize=64)
def _table(keep: tuple[str, ...]) -> tuple[dict[str, str], re.Pattern | None]:
    fixed: dict[str, str] = {w: w for w in keep if w}
    fixed.update(NAMES)
    fixed.update({k: v for k, v in PHRASES.items() if k not in fixed})
    return fixed, _protect_pattern(fixed)


def convert_text(text: str, keep: Iterable[str] = ()) -> str:
    """Convert Simplified Chinese *text*, keeping *keep* and :data:`NAMES` as specified.

    Only runs of non-ASCII characters go through OpenCC; protected words may
    mix scripts (a value such as ``示例社区B``).

    Examples
    --------
    >>> convert_text("余薛锋研究社区数据")
    '余薛鋒研究社區資料'
    """
    fixed, pat = _table(tuple(keep))
    slots: list[str] = []

    def hold(m: re.Match) -> str:
        slots.append(fixed[m.group(0)])
        return chr(_PUA + len(slots) - 1)

    held = pat.sub(hold, text) if pat else text
    out = _NON_ASCII.sub(lambda m: _opencc().convert(m.group(0)), held)
    if slots:
        out = re.sub(f"[{chr(_PUA)}-{chr(_PUA + len(slots) - 1)}]", lambda m: slots[ord(m.group(0)) - _PUA], out)
    return out


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# code that must not change: highlighted sources, <code> elements, math
_CODE = re.compile(r"""<div class="highlight[^"]*">.*?</div>|<code\b[^>]*>.*?</code>|<math\b.*?</math>""", re.S)


def to_traditional(page: str, keep: Iterable[str] = ()) -> str:
    """Convert an HTML page (or any markup) to Traditional Chinese, leaving code and *keep* as they are."""
    keep = list(keep)
    parts: list[str] = []
    pos = 0

    def conv(segment: str) -> str:
        return convert_text(segment, keep) if not segment.isascii() else segment

    for m in _CODE.finditer(page):
        parts.append(conv(page[pos:m.start()]))
        parts.append(m.group(0))
        pos = m.end()
    parts.append(conv(page[pos:]))
    return "".join(parts)
