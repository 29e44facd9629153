"""Tests of govlib.frameworks: trees, diagrams, the diagnostic instrument, the cross-case matrix."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from govlib import paths
from govlib.frameworks import (as_node, count_kind, draw_framework, draw_ladder, find_node, iter_nodes,
                               ladder_steps, leaves, node_table, wrap_label)

FW_DATA = Path(__file__).resolve().parent / "data" / "frameworks"
ALL_FRAMEWORKS = sorted(p.stem for p in paths.FRAMEWORKS.glob("*.yaml"))


def _drawn_texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _render_without_glyph_warnings(fig) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert not glyph, glyph[:3]


# ----------------------------------------------------------------------------
# trees
# ----------------------------------------------------------------------------

def test_pujiang_tree_has_three_dimensions_with_problems_and_remedies():
    fw = as_node("pujiang")
    dims = [c.id for c in fw.children if c.kind == "dimension"]
    assert dims == ["subject", "capacity", "mechanism"]
    for d in dims:
        groups = [c.id for c in find_node("pujiang", d).children]
        assert groups == [f"{d}-problems", f"{d}-remedies"]


def test_find_node_unknown_id_suggests_near_ids():
    with pytest.raises(KeyError, match="did you mean subject"):
        find_node("pujiang", "subjekt")


def test_iter_nodes_depths_and_leaves_are_consistent():
    pairs = list(iter_nodes("yihe", with_depth=True))
    assert pairs[0][1] == 0
    assert {n.id for n in leaves("yihe")} == {n.id for n, _ in pairs if not n.children}


def test_count_kind_rejects_unknown_kind():
    with pytest.raises(ValueError, match="unknown node kind 'mechanisms'"):
        count_kind("yihe", "mechanisms")


def test_node_table_max_depth_and_columns():
    t = node_table("pujiang", max_depth=1)
    # root + 3 dimensions
    assert list(t["depth"]) == [0, 1, 1, 1]
    assert list(t.columns[:4]) == ["id", "depth", "parent", "kind"]


def test_as_node_rejects_other_types():
    with pytest.raises(TypeError, match="expected a Framework"):
        as_node(42)


# ----------------------------------------------------------------------------
# diagrams
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("wrap_in, width, expected", [
    ("主体维度的困局", 14, "主体维度的困局"),                   # short: unchanged
    ("党组织按决议分派任务", 9, "党组织按决\n议分派任务"),         # 10 chars -> 2 lines of 5
    ("党组织嵌入基层治理（下含4项）", 14, "党组织嵌入基层治理\n（下含4项）"),  # break before the bracket
])
def test_wrap_label(wrap_in, width, expected):
    assert wrap_label(wrap_in, width) == expected


def test_wrap_label_rejects_width_below_two():
    with pytest.raises(ValueError, match="at least 2"):
        wrap_label("社区", 1)


@pytest.mark.parametrize("name", ALL_FRAMEWORKS)
def test_every_framework_draws_every_label_in_chinese(name):
    fig = draw_framework(name)
    drawn = "".join(_drawn_texts(fig)).replace("\n", "")
    for n in iter_nodes(name):
        assert n.label_zh in drawn, n.id
    _render_without_glyph_warnings(fig)


def test_max_depth_cuts_the_tree_and_counts_what_is_hidden():
    fig = draw_framework("pujiang", max_depth=1)
    texts = [t.replace("\n", "") for t in _drawn_texts(fig)]
    # the subject dimension holds 2 groups + 5 problems + 3 remedies = 10 nodes
    assert "主体：社会力量参与治理（下含10项）" in texts
    assert not any("社会主体缺位" in t for t in texts)


def test_draw_subtree_and_title_default():
    fig = draw_framework("pujiang", node="mechanism")
    texts = _drawn_texts(fig)
    assert not any("主体-能力-机制：" in t for t in texts)  # no framework title for a subtree
    fig2 = draw_framework("pujiang")
    assert as_node("pujiang") is not None
    assert any(t.startswith("主体-能力-机制：") for t in _drawn_texts(fig2))


def test_draw_framework_rejects_negative_depth_and_unknown_node():
    with pytest.raises(ValueError, match="max_depth"):
        draw_framework("yihe", max_depth=-1)
    with pytest.raises(KeyError, match="no node 'nope'"):
        draw_framework("yihe", node="nope")


def test_draw_framework_into_given_axes_shrinks_to_fit():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3))
    out = draw_framework("pujiang", ax=ax)
    assert out is fig
    sizes = {t.get_fontsize() for t in ax.texts}
    assert max(sizes) < 9.0 * 1.35  # shrunk below the default title size


def test_ladder_steps_of_two_tracks_and_of_one_ladder():
    tracks = ladder_steps(find_node("quanzhou", "dual-track"))
    assert [h for h, _ in tracks] == ["职务培养链", "职称培养链"]
    assert [len(s) for _, s in tracks] == [4, 4]
    one = ladder_steps(find_node("quanzhou", "jinjiang-ladder"))
    assert one == [(None, ["小事在村里评", "大事在镇里评", "难事在市里评"])]


def test_ladder_without_steps_is_an_error():
    with pytest.raises(ValueError, match="no children of kind step"):
        ladder_steps(find_node("pujiang", "subject-problems"))
    with pytest.raises(ValueError, match="at least one step"):
        ladder_steps([])


def test_draw_ladder_numbers_rungs():
    fig = draw_ladder("quanzhou", node="jinjiang-ladder")
    texts = _drawn_texts(fig)
    assert {"第1级", "第2级", "第3级"} <= set(texts)
    assert texts[-1] == "“三评三理”：逐级评理"  # title defaults to the node label
    _render_without_glyph_warnings(fig)
    fig2 = draw_ladder(["甲", "乙"], numbering="第{}步", title="流程")
    assert "第2步" in _drawn_texts(fig2)
