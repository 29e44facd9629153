"""The shipped register against the articles themselves.

Expected values here are read from the articles (and from DEVELOPERS.md's summary
of them), not from the code: a wording must occur in its article's text, and the
numbers in a wording must be the row's value.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from govlib import paths

SEEDS = Path(os.environ.get("GOVLIB_SEEDS", paths.ROOT.parent / "shared" / "seeds" / "readable"))
CN = {"一": 1, "两": 2, "二": 2, "双": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _article_text(register, source: str) -> str:
    seed = register.source(source)["seed"]
    stem = seed.removesuffix(".txt")
    matches = sorted(SEEDS.glob(f"{stem}*.txt"))
    if not matches:
        pytest.skip(f"seed texts not found under {SEEDS} (set GOVLIB_SEEDS)")
    return re.sub(r"\s+", "", matches[0].read_text(encoding="utf-8"))


def _ours(wording: str) -> bool:
    """Wordings in full-width brackets are our annotations (（推算）, （列举三项）, （依次第1位）)."""
    return wording.startswith("（")


def test_every_published_wording_occurs_in_its_article(register):
    missing = []
    for rec in register.figures.to_dict("records"):
        if _ours(rec["wording"]):
            continue
        text = _article_text(register, rec["source"])
        if re.sub(r"\s+", "", rec["wording"]) not in text:
            missing.append((rec["id"], rec["wording"]))
    assert missing == []


def test_numbers_in_a_wording_are_the_rows_numbers(register):
    wrong = []
    for rec in register.figures.to_dict("records"):
        w, q = rec["wording"], rec["qualifier"]
        if _ours(w) or q in ("date", "verbal_approx", "verbal_over") or rec["unit"] in ("时刻", "月", "季度"):
            continue
        nums = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", w)]
        if not nums:  # 三级, 六个维度, 双轨 ...
            nums = [float(CN[c]) for c in w if c in CN][:1]
        if "万余" in w or "余字" in w:
            nums = [n * 10000 for n in nums]
        if q == "range":
            ok = nums == [rec["low"], rec["high"]]
        else:
            ok = rec["value"] in nums
        if not ok:
            wrong.append((rec["id"], w, rec["value"], rec["low"], rec["high"]))
    assert wrong == []


def test_dates_appear_in_their_wording(register):
    for rec in register.figures.query("qualifier == 'date'").to_dict("records"):
        parts = [int(p) for p in rec["date"].lstrip("-").split("-")]
        assert [int(x) for x in re.findall(r"\d+", rec["wording"])][: len(parts)] == parts, rec["id"]


def _find(register, source, **match):
    df = register.figures[register.figures["source"] == source]
    for col, val in match.items():
        df = df[df[col] == val]
    return df


@pytest.mark.parametrize(("source", "wording", "value"), [
    # Xiamen 127: 10% management, 20% consultation, 70% service; 85% vote; 10/40/50 weights; 100 households
    ("xiamen", "85%以上", 85), ("xiamen", "100户", 100),
    # Chengdu: 7575 compound party organisations, 73 community enterprises
    ("chengdu", "7575个", 7575), ("chengdu", "73家", 73),
    # Quanzhou questionnaire, as printed
    ("quanzhou", "67.2%", 67.2), ("quanzhou", "41.1%", 41.1), ("quanzhou", "22.0%", 22.0),
    ("quanzhou", "19.1%", 19.1), ("quanzhou", "77.5%", 77.5), ("quanzhou", "70.5%", 70.5),
    ("quanzhou", "52.9%", 52.9), ("quanzhou", "34.3%", 34.3), ("quanzhou", "4.8项", 4.8),
    ("quanzhou", "9.5张", 9.5), ("quanzhou", "4.6项", 4.6), ("quanzhou", "6.5张", 6.5),
    # Pujiang county statistics
    ("pujiang", "583平方公里", 583), ("pujiang", "82%", 82), ("pujiang", "25.5万", 25.5),
])
def test_key_published_figures_are_registered(register, source, wording, value):
    rows = _find(register, source, wording=wording)
    assert len(rows) >= 1
    assert (rows["value"] == value).all()


def test_xiamen_shares_and_weights(register):
    shares = _find(register, "xiamen", unit="%")
    assert sorted(shares["value"]) == sorted([10, 20, 70, 85, 10, 40, 50])


def test_qualifiers_follow_the_words(register):
    by_wording = {r["wording"]: r["qualifier"] for r in register.figures.to_dict("records")}
    assert by_wording["超过60%"] == "over"
    assert by_wording["超过90%"] == "over"
    assert by_wording["不足10%"] == "under"
    assert by_wording["300-500户"] == "range"
    assert by_wording["2000-4000元"] == "range"
    assert by_wording["1500人左右"] == "approx"
    assert by_wording["一半以上"] == "verbal_over"
    assert by_wording["约三分之二"] == "verbal_approx"


def test_the_truncated_article_has_no_invented_figures(register):
    assert register.ids("yihe") == []


def test_wechat_derived_shares(register):
    # 100 - 11.4 - 42.4 = 46.2 (township), 100 - 9.4 - 48.9 = 41.7 (village)
    derived = register.figures[register.figures["derived_from"].notna()]
    assert sorted(derived["value"]) == sorted([46.2, 41.7, 53.8, 58.3])
    assert (derived["wording"] == "（推算）").all()
