"""Frameworks from the articles: diagrams, a diagnostic instrument and a cross-case matrix.

- :mod:`govlib.frameworks.tree` — resolve frameworks and nodes, walk trees.
- :mod:`govlib.frameworks.diagram` — :func:`draw_framework` (tree diagram)
  and :func:`draw_ladder` (ordered steps as a staircase).
- :mod:`govlib.frameworks.instrument` — a framework as a Likert questionnaire
  (:class:`Instrument`) and the checks on response files.
- :mod:`govlib.frameworks.scoring` — reverse coding, dimension scores,
  Cronbach's alpha, radar and comparison charts.
- :mod:`govlib.frameworks.classdata` — the synthetic class data set
  (``data/synthetic/pujiang_class.csv``).
- :mod:`govlib.frameworks.crosscase` — the cross-case coding
  (``data/crosscase.yaml``), its tables and heatmap.

Examples
--------
>>> from govlib.frameworks import draw_framework
>>> fig = draw_framework("pujiang", max_depth=2)   # doctest: +SKIP
"""

from govlib.frameworks.classdata import class_data, load_class_data, make_class_data, write_class_data
from govlib.frameworks.crosscase import (CrossCase, case_distance, cell_table, count_at_least, disputed_cells,
                                         distance_matrix, draw_crosscase, emphasis, level_matrix, level_rules_table,
                                         level_summary, load_crosscase)
from govlib.frameworks.diagram import KIND_STYLE, draw_framework, draw_ladder, ladder_steps, wrap_label
from govlib.frameworks.instrument import (Instrument, check_community, communities, read_responses,
                                          validate_responses)
from govlib.frameworks.scoring import (alpha_by_dimension, community_scores, compare_communities,
                                       cronbach_alpha, draw_comparison, draw_radar, recode,
                                       respondent_scores, weakest_dimension)
from govlib.frameworks.tree import (KIND_ZH, as_framework, as_node, count_kind, find_node, iter_nodes,
                                    leaves, node_table, parent_of)

__all__ = [
    "KIND_STYLE", "KIND_ZH", "CrossCase", "Instrument", "alpha_by_dimension", "as_framework", "as_node",
    "class_data",
    "case_distance", "cell_table", "disputed_cells", "level_rules_table", "level_summary", "check_community", "communities", "community_scores",
    "compare_communities", "count_at_least", "count_kind", "cronbach_alpha", "distance_matrix",
    "draw_comparison", "draw_crosscase", "draw_framework", "draw_ladder", "draw_radar", "emphasis",
    "find_node", "iter_nodes", "ladder_steps", "leaves", "level_matrix", "load_class_data",
    "load_crosscase", "make_class_data", "node_table", "parent_of", "read_responses", "recode",
    "respondent_scores", "validate_responses", "weakest_dimension", "wrap_label", "write_class_data",
]
