"""Kaushal's psychometric core: item response models, calibration, scoring, adaptive testing.

Pure numpy/scipy; imports nothing from Django or the rest of the project. Code outside this
package imports only the names below (``from adaptive.irt import calibrate, select_next_item``).

How the pieces hang together: :func:`calibrate` turns a response matrix into an
:class:`ItemBank` (slope-intercept parameters: discrimination a, intercept d, guessing c;
difficulty b = -d/a); :func:`estimate_ability` and :func:`subscores` score persons against a
bank; a :class:`Blueprint` of content :class:`Constraint` s drives both adaptive delivery
(:func:`select_next_item`, :class:`CatSession`) and unique fixed papers
(:func:`assemble_paper`); :mod:`adaptive.irt.simulation` runs catsim-style studies.
Model fit and reporting: AIC/BIC on every :class:`CalibrationResult`, :func:`m2` (limited
information fit), :func:`mantel_haenszel` and :func:`mantel_ordinal` (DIF between groups,
right/wrong and partial-credit items), :func:`plausible_values` and :func:`group_mean` (group scores
with their measurement error), :func:`marginal_log_likelihood` (likelihood-ratio tests between
fitted models).
"""

from .blueprint import Blueprint, BlueprintInfeasibleError, Constraint, blueprint_violations
from .calibration import CalibrationResult, SparseResponses, calibrate, marginal_log_likelihood
from .cat import (
    CatSession,
    ExposureControl,
    PreparedBank,
    Selection,
    ShadowTest,
    StoppingRule,
    select_next_item,
)
from .dif import DifResult, OrdinalDifResult, mantel_haenszel, mantel_ordinal
from .fit import ItemFit, item_fit, s_x2, s_x2_incomplete
from .limited_information import LimitedInformationFit, m2
from .linking import LinkingConstants, mean_sigma, stocking_lord, transform_bank
from .loft import assemble_paper, assemble_paper_fast, pairwise_overlap
from .models import (
    ItemBank,
    conditional_standard_error,
    expected_score,
    item_information,
    probability,
    test_information,
)
from .reporting import GroupEstimate, group_mean, plausible_values
from .scoring import AbilityEstimate, estimate_ability, subscores

__all__ = [
    "AbilityEstimate",
    "Blueprint",
    "BlueprintInfeasibleError",
    "CalibrationResult",
    "CatSession",
    "Constraint",
    "DifResult",
    "ExposureControl",
    "GroupEstimate",
    "ItemBank",
    "ItemFit",
    "LimitedInformationFit",
    "LinkingConstants",
    "OrdinalDifResult",
    "PreparedBank",
    "Selection",
    "ShadowTest",
    "SparseResponses",
    "StoppingRule",
    "assemble_paper",
    "assemble_paper_fast",
    "blueprint_violations",
    "calibrate",
    "conditional_standard_error",
    "estimate_ability",
    "expected_score",
    "group_mean",
    "item_fit",
    "item_information",
    "m2",
    "mantel_haenszel",
    "mantel_ordinal",
    "marginal_log_likelihood",
    "mean_sigma",
    "pairwise_overlap",
    "plausible_values",
    "probability",
    "s_x2",
    "s_x2_incomplete",
    "select_next_item",
    "stocking_lord",
    "subscores",
    "test_information",
    "transform_bank",
]
