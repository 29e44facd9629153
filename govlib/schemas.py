"""Schemas of the data files: the register tables (pandera) and the framework trees (pydantic).

The vocabularies (qualifiers, node kinds) live here; the units live in
``data/units.csv`` so that curators can add one without touching code.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: a figure id: the prefix of its source (column ``prefix`` of data/sources.csv), a hyphen, a slug
FIGURE_ID = r"^[a-z]{2,4}-[a-z0-9]+(?:-[a-z0-9]+)*$"
#: a source's figure-id prefix
PREFIX = r"^[a-z]{2,4}$"

#: qualifier code -> what it means (shown in ``govlib data check`` and the README)
QUALIFIERS: dict[str, str] = {
    "exact": "stated as an exact value (67.2%, 7575个)",
    "over": "strictly more than the value (超过60%, 1万余字, 3年多)",
    "at_least": "the value or more (X以上, read inclusively as in Chinese legal usage)",
    "under": "strictly less than the value (不足10%)",
    "approx": "about the value (约1500人, 1500人左右, 约半年)",
    "range": "between low and high (300-500户, 2000-4000元); value is empty",
    "verbal_approx": "a share stated in words, about the value (约三分之二, 近一半)",
    "verbal_over": "a share stated in words, more than the value (一半以上)",
    "rank": "a position in an order the article gives (依次为…); value is the rank, 1 first",
    "date": "a dated event; the date column holds it and value is empty",
}

#: the columns of data/figures.csv, in order
FIGURE_COLUMNS = [
    "id", "source", "locator", "wording", "label_zh", "group", "period",
    "value", "low", "high", "decimals", "unit", "qualifier", "date",
    "derived_from", "note",
]

#: the columns of data/sources.csv, in order
SOURCE_COLUMNS = [
    "id", "prefix", "short_zh", "authors", "affiliation", "title", "venue", "issue",
    "year", "date", "place", "script", "seed", "note", "bib_note_zh",
]

NodeKind = Literal[
    "root",        # the framework itself
    "dimension",   # an analytic dimension (主体/能力/机制 ...)
    "group",       # a grouping node (problems, remedies, parts ...)
    "problem",     # a difficulty or deviation the article finds
    "remedy",      # a measure the article proposes
    "practice",    # something a place actually does
    "mechanism",   # a working mechanism or procedure
    "component",   # a named part of a structure
    "rule",        # a rule with a threshold or formula
    "step",        # a rung of a ladder or a stage of a process
    "actor",       # a subject taking part (党组织, 居委会, 社会组织 ...)
    "constraint",  # a limiting factor
    "path",        # a proposed path of reform
]


class Node(BaseModel):
    """One node of a framework tree.

    Parameters
    ----------
    id : str
        Slug, unique within its file.
    label_zh : str
        Short label in our own words (at most 24 characters).
    kind : NodeKind
        What the node is.
    locator : str
        Where in the article this comes from (section and paragraph cue).
    figures : list of str
        Register ids of figures that belong to this node.
    note_zh : str, optional
        A longer explanation in our own words.
    item_zh : str, optional
        A Likert statement for the diagnostic instrument (leaves only).
    reverse : bool
        Whether agreement with ``item_zh`` means a worse state (problem items).
    children : list of Node
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    label_zh: str = Field(min_length=1, max_length=24)
    kind: NodeKind
    locator: str = Field(min_length=1)
    figures: list[str] = Field(default_factory=list)
    note_zh: str | None = None
    item_zh: str | None = None
    reverse: bool = False
    children: list["Node"] = Field(default_factory=list)

    @field_validator("locator", "label_zh")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("不能为空")
        return v

    @field_validator("figures")
    @classmethod
    def _figure_ids(cls, v: list[str]) -> list[str]:
        for fid in v:
            if not re.match(FIGURE_ID, fid):
                raise ValueError(f"{fid!r} is not a figure id")
        return v


class Framework(BaseModel):
    """A framework file in ``data/frameworks/``."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=SLUG)
    source: str = Field(pattern=SLUG)  # checked against data/sources.csv by govlib.data.load_framework
    title_zh: str = Field(min_length=1)
    summary_zh: str = Field(min_length=1)
    locator: str = Field(min_length=1)
    root: Node
