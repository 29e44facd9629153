"""The Xiamen "127" mechanism in numbers: quarterly scores, the vote rule, the resident poll.

The Xiamen article (source ``xiamen``) describes a quarterly evaluation of
the partner units (组团单位) of a community: each unit is scored on six
dimensions by itself, by the other units and by a satisfaction poll of
randomly chosen households, and the three are combined with fixed weights
into the final score.  Projects are approved when a high share of the
units' representatives agree.  The whole mechanism divides the work of
community governance 1:2:7 between management, consultation and service.

Every published figure used here -- the three weights, the vote threshold,
the poll size, the number of dimensions, the 1:2:7 shares -- is read from
the register (``data/figures.csv``) at run time through the ids in
:data:`WEIGHT_IDS`, :data:`VOTE_THRESHOLD_ID`, :data:`POLL_SIZE_ID`,
:data:`DIMENSIONS_ID` and :data:`SHARE_IDS`; the names of the six dimensions
come from the framework file ``data/frameworks/xiamen-127.yaml``.

What the article does *not* give is never filled in silently:

* no unit's scores are published, so examples come from
  :func:`hypothetical_quarter`, marked ``hypothetical``;
* no score scale, commendation line or failing line is published, so
  :func:`flag_units` takes both thresholds from the instructor;
* the article does not say how the six dimensions are combined, so unit
  totals use equal dimension weights unless told otherwise;
* the article does not give the number of households of a community nor the
  questionnaire's answer scale; both are parameters (:data:`POLL_LEVELS` is
  this lesson's assumed five-level scale).

Reading of 以上: in "85%以上代表同意" the word 以上 is read *inclusively*
(85% itself passes), as in Chinese legal usage (the register records the
figure with qualifier ``at_least``).  :func:`vote_passes` takes
``reading="exclusive"`` for the other reading.

Randomness is vectorised: :func:`simulate_quarters` draws all simulated
polls for all units at once from the multivariate hypergeometric
distribution (households are sampled without replacement from a finite
community), so 10,000 quarters for 10 units take a fraction of a second
(``benchmarks/poll_simulation.py``).

Submodules, one per concern (every public name is re-exported here, so
``from govlib.evaluation import X`` works for all of them):

* :mod:`~govlib.evaluation.weights` -- the weights of self-score, peer
  mean and poll mean: the article's, alternatives, validation;
* :mod:`~govlib.evaluation.scores` -- the six dimensions, composite
  scores, unit totals, ranks, commendation and rectification flags;
* :mod:`~govlib.evaluation.vote` -- the vote rule and the two readings of 以上;
* :mod:`~govlib.evaluation.poll` -- the resident poll as a sample: answer
  scale, communities, spread of the poll mean, poll size needed;
* :mod:`~govlib.evaluation.simulation` -- many simulated quarters
  (:class:`Simulation`) and the stability of the ranking by poll size;
* :mod:`~govlib.evaluation.sensitivity` -- other weight schemes,
  self-score inflation, ranges of ranks over all weights;
* :mod:`~govlib.evaluation.allocation` -- the 1:2:7 split and the parts
  of the framework;
* :mod:`~govlib.evaluation.examples` -- hypothetical units (:class:`Example`);
* :mod:`~govlib.evaluation.tables` -- the lesson's settings in words and
  HTML tables with Chinese column names;
* :mod:`~govlib.evaluation.charts` -- matplotlib charts;
* :mod:`~govlib.evaluation.widgets` -- the ipywidgets explorer.

Importing the package loads numpy and pandas; matplotlib, scipy, ipywidgets
and IPython load only inside the functions that need them.
"""

from __future__ import annotations

from govlib.evaluation._common import FRAMEWORK  # noqa: F401  (public before the split, kept)
from govlib.evaluation.allocation import PART_NODES, SHARE_IDS, allocate, allocation_shares, part_of
from govlib.evaluation.charts import (plot_allocation, plot_dimensions, plot_poll_histogram, plot_poll_spread,
                                      plot_quarter, plot_rank_bump, plot_rank_ranges, plot_stability,
                                      plot_status_frequencies, plot_swap_rates, plot_vote_rule)
from govlib.evaluation.examples import Example, hypothetical_quarter, lesson_quarter, resolve_poll_size, unit_names
from govlib.evaluation.poll import (POLL_LEVELS, POLL_SIZE_ID, community_counts, poll_sd, poll_size,
                                    required_poll_size, simulate_poll_means, tilted_probs)
from govlib.evaluation.scores import (DIMENSIONS_ID, STATUS_ZH, composite, dimensions, flag_units, rank,
                                      score_quarter, unit_totals)
from govlib.evaluation.sensitivity import inflation_shift, rank_ranges, ranks_under_weights, self_inflation, weight_grid
from govlib.evaluation.simulation import Simulation, simulate_quarters, stability_curve, stable_poll_size
from govlib.evaluation.tables import describe_settings, table
from govlib.evaluation.vote import (READINGS, VOTE_THRESHOLD_ID, count_votes, exact_threshold_size, min_agree,
                                    vote_passes, vote_table, vote_threshold)
from govlib.evaluation.weights import (COMPONENT_ZH, COMPONENTS, WEIGHT_IDS, WEIGHT_SOURCES, choose_weights,
                                       default_weights, validate_weights, weight_scenarios, weights_label)
from govlib.evaluation.widgets import weights_explorer

__all__ = [
    "COMPONENTS", "COMPONENT_ZH", "WEIGHT_IDS", "VOTE_THRESHOLD_ID", "POLL_SIZE_ID",
    "DIMENSIONS_ID", "SHARE_IDS", "PART_NODES", "READINGS", "POLL_LEVELS", "WEIGHT_SOURCES",
    "default_weights", "validate_weights", "weight_scenarios", "choose_weights", "weights_label",
    "dimensions", "poll_size", "composite", "score_quarter", "unit_totals", "rank",
    "flag_units", "STATUS_ZH",
    "vote_threshold", "count_votes", "vote_passes", "min_agree", "exact_threshold_size", "vote_table",
    "community_counts", "tilted_probs", "poll_sd", "simulate_poll_means", "simulate_quarters",
    "Simulation", "stability_curve", "stable_poll_size", "required_poll_size",
    "ranks_under_weights", "self_inflation", "inflation_shift", "weight_grid", "rank_ranges",
    "allocation_shares", "allocate", "part_of",
    "describe_settings", "Example", "hypothetical_quarter", "lesson_quarter", "resolve_poll_size", "unit_names", "table",
    "plot_quarter", "plot_dimensions", "plot_vote_rule", "plot_poll_spread", "plot_poll_histogram",
    "plot_status_frequencies", "plot_swap_rates", "plot_stability", "plot_rank_bump",
    "plot_rank_ranges", "plot_allocation", "weights_explorer",
]
