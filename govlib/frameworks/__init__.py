"""Frameworks from the articles: diagrams, a diagnostic instrument and a cross-case matrix.

- :mod:`govlib.frameworks.tree` — resolve frameworks and nodes, walk trees.
- :mod:`govlib.frameworks.diagram` — :func:`draw_framework` (tree diagram)
  and :func:`draw_ladder` (ordered steps as a staircase).

Examples
--------
>>> from govlib.frameworks import draw_framework
>>> fig = draw_framework("pujiang", max_depth=2)   # doctest: +SKIP
"""

from govlib.frameworks.diagram import KIND_STYLE, draw_framework, draw_ladder, ladder_steps, wrap_label
from govlib.frameworks.tree import (KIND_ZH, as_framework, as_node, count_kind, find_node,
                                    iter_nodes, leaves, node_table)

__all__ = [
    "KIND_STYLE", "KIND_ZH", "as_framework", "as_node", "count_kind", "draw_framework",
    "draw_ladder", "find_node", "iter_nodes", "ladder_steps", "leaves", "node_table", "wrap_label",
]
