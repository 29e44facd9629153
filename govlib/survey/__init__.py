"""The Quanzhou cadre questionnaire: reproduce it, check it, and reason about its unknown n.

Modules
-------
- :mod:`~govlib.survey.questions` — questions, groups and their register ids
  (:func:`questionnaire_ids` is the one list of the lesson's figures);
- :mod:`~govlib.survey.items` — how the printed shares fit together as
  respondent-level columns;
- :mod:`~govlib.survey.feasible` — which sample sizes the printed
  precision allows (GRIM for percentages and means);
- :mod:`~govlib.survey.claims` — the article's arithmetic and verbal claims,
  checked from the register;
- :mod:`~govlib.survey.inference` — Wilson intervals, township-vs-village
  tests and power as functions of an assumed n;
- :mod:`~govlib.survey.respondents` — synthetic respondents whose margins
  reproduce the published shares exactly (marked synthetic);
- :mod:`~govlib.survey.charts`, :mod:`~govlib.survey.tables` — charts and
  HTML tables with citations and captions.
"""

from govlib.survey.allocation import allocate
from govlib.survey.charts import (plot_crosstab, plot_feasibility, plot_intervals, plot_means, plot_p_values,
                                  plot_question, plot_shares, plot_wechat)
from govlib.survey.claims import claim_checks, claims_frame, claims_html
from govlib.survey.feasible import (feasibility, feasibility_summary, feasible_ns, nearest_feasible_n,
                                    printed_bounds, smallest_feasible_n)
from govlib.survey.inference import (COMPARISONS, assumed_sizes, comparison_table, interval_ids, interval_table,
                                     power_n, significance_n, test_at, wilson)
from govlib.survey.items import COLUMN_LABELS, ITEMS, items_for
from govlib.survey.questions import GROUPS, QUESTIONS, question_table, questionnaire_ids, questionnaire_table
from govlib.survey.respondents import check_n, crosstab, fit_logit, synthesize, synthetic_margins, usable_n
from govlib.survey.tables import (comparisons_html, feasibility_html, intervals_html, logit_html, margins_html,
                                  overview_html, question_html, ranking_html, synthetic_html)

__all__ = [
    "COLUMN_LABELS", "COMPARISONS", "GROUPS", "ITEMS", "QUESTIONS",
    "allocate", "assumed_sizes", "check_n", "claim_checks", "claims_frame", "claims_html", "comparison_table",
    "comparisons_html", "crosstab", "feasibility", "feasibility_html", "feasibility_summary", "feasible_ns",
    "fit_logit", "interval_ids", "interval_table", "intervals_html", "items_for", "logit_html", "margins_html",
    "nearest_feasible_n", "overview_html", "plot_crosstab", "plot_feasibility", "plot_intervals",
    "plot_means", "plot_p_values", "plot_question", "plot_shares", "plot_wechat", "power_n",
    "printed_bounds", "question_html", "question_table", "questionnaire_ids", "questionnaire_table",
    "ranking_html", "significance_n", "smallest_feasible_n", "synthesize", "synthetic_html",
    "synthetic_margins", "test_at", "usable_n", "wilson",
]
