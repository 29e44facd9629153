"""Milestone timelines: date precisions, months between dates, and no guessed years."""

from __future__ import annotations

import re
import warnings

import pytest

from govlib import timeline

CHENGDU = ["cd-since-2017", "cd-social-enterprise-opinion", "cd-regulation-date",
           "cd-politburo-opinion", "cd-report-date"]


@pytest.mark.parametrize("text, expected", [
    ("2020-12-01", (2020, 12, 1, "day")),
    ("2018-03", (2018, 3, None, "month")),
    ("2017", (2017, None, None, "year")),
    ("--02-27", (None, 2, 27, "no-year")),
    ("--02-29", (None, 2, 29, "no-year")),  # a year-less 29 February is not refused
])
def test_parse_date(text, expected):
    assert timeline.parse_date(text) == expected


@pytest.mark.parametrize("text", ["2020/12/01", "20-12", "", "2021-13", "2021-02-30", "--04-31"])
def test_parse_date_refuses_bad_dates(text):
    with pytest.raises(ValueError):
        timeline.parse_date(text)


def test_milestones_read_the_register():
    ms = {m.id: m for m in timeline.milestones(CHENGDU)}
    assert (ms["cd-regulation-date"].year, ms["cd-regulation-date"].month, ms["cd-regulation-date"].day) \
        == (2020, 12, 1)  # 2020年12月1日
    assert ms["cd-report-date"].precision == "no-year"  # 2月27日, no year printed
    assert ms["cd-report-date"].year is None
    assert ms["cd-since-2017"].precision == "year"
    assert ms["cd-social-enterprise-opinion"].text == "2018年3月"


def test_milestones_refuse_non_date_rows_and_stray_labels():
    with pytest.raises(ValueError, match="not a date row"):
        timeline.milestones(["cd-compound-party-orgs"])
    with pytest.raises(ValueError, match="empty"):
        timeline.milestones([])
    with pytest.raises(ValueError, match="not in the timeline"):
        timeline.milestones(["cd-report-date"], labels={"cd-since-2017": "x"})


def test_months_between():
    # 2018年3月 → 2020年12月: (2020 − 2018) × 12 + (12 − 3) = 33
    assert timeline.months_between("cd-social-enterprise-opinion", "cd-regulation-date") == 33
    # 2020年4月 → 2021年1月28日: 12 − 4 + 1 = 9
    assert timeline.months_between("qz-gov-office-notice", "qz-politburo-opinion") == 9


def test_months_between_refuses_missing_year_or_month():
    with pytest.raises(ValueError, match="no year"):
        timeline.months_between("cd-politburo-opinion", "cd-report-date")
    with pytest.raises(ValueError, match="no month"):
        timeline.months_between("cd-since-2017", "cd-regulation-date")


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [t.get_text() for t in ax.texts]
    return out


def test_timeline_puts_year_less_dates_in_their_own_lane_without_a_year():
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = timeline.plot_timeline(CHENGDU, title="成都")
        fig.canvas.draw()
    assert len(fig.axes) == 2
    dated, undated = fig.axes
    assert any("2020年12月1日" in t.get_text() for t in dated.texts)
    lane = [t.get_text() for t in undated.texts]
    assert any("2月27日" in t and "未印年份" in t for t in lane)
    # the year-less lane shows months only: no four-digit year anywhere on it
    ticks = [t.get_text() for t in undated.get_xticklabels()]
    assert ticks and all(re.fullmatch(r"\d{1,2}月", t) for t in ticks if t)
    assert not any(re.search(r"\d{4}", t) for t in lane)
    # the dated axis ticks only the years the milestones span: 2017 … 2020 (2020年12月1日 is the last)
    assert [t.get_text() for t in dated.get_xticklabels()] == ["2017年", "2018年", "2019年", "2020年"]
    plt.close(fig)


def test_timeline_with_only_dated_rows_has_one_axis_and_names_sources_when_mixed():
    fig = timeline.plot_timeline(["cd-regulation-date", "cd-since-2017"])
    assert len(fig.axes) == 1
    assert not any("据" in t for t in _texts(fig))
    fig = timeline.plot_timeline(["cd-regulation-date", "qz-politburo-opinion"])
    assert any("据泉州文" in t for t in _texts(fig))


def test_date_ids_in_time_order_with_year_less_last():
    # 2017 < 2018-03 < 2020-12-01; then the year-less 1月28日 < 2月27日
    assert timeline.date_ids("chengdu") == CHENGDU
    with pytest.raises(ValueError, match="no date rows"):
        timeline.date_ids("yihe")
