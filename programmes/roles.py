"""What each role may do with the programmes portfolio (registered in ProgrammesConfig.ready,
see association/roles.py)."""

from association.roles import (
    CENTRES_MANAGER,
    CENTRES_STAFF,
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    DATA_STEWARD,
    DEPUTY_STEWARD,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    QUALITY_OFFICER,
    RESOURCE_DEVELOPMENT,
)

# Every pillar refers to the programmes portfolio: every role reads it.
_READ_PORTFOLIO = ("programmes.view_programme", "programmes.view_programmecategory")
_KEEP_PORTFOLIO = (
    "programmes.add_programme",
    "programmes.change_programme",
    "programmes.add_programmecategory",
)

# Portfolio cycles and programme proposals (procedure "خلق الفرص" steps 1-2, 3.1.11-3.1.12):
# strategic planning hands each cycle over and answers proposals; the CRM manager reviews the
# cycle and identifies its potential donors; CRM staff and manager propose programmes.
_READ_CYCLES = ("programmes.view_portfoliocycle",)
_HAND_OVER_CYCLES = _READ_CYCLES + (
    "programmes.add_portfoliocycle",
    "programmes.view_programmeproposal",
    "programmes.answer_programmeproposal",
)
_PROPOSE_PROGRAMMES = ("programmes.view_programmeproposal", "programmes.add_programmeproposal")
_REVIEW_CYCLES = _READ_CYCLES + ("programmes.review_portfoliocycle",)

GRANTS = {
    CRM_STAFF: _READ_PORTFOLIO + _READ_CYCLES + _PROPOSE_PROGRAMMES,
    CRM_MANAGER: _READ_PORTFOLIO + _KEEP_PORTFOLIO + _REVIEW_CYCLES + _PROPOSE_PROGRAMMES,
    CENTRES_STAFF: _READ_PORTFOLIO,
    CENTRES_MANAGER: _READ_PORTFOLIO,
    QUALITY_OFFICER: _READ_PORTFOLIO,
    DATA_STEWARD: _READ_PORTFOLIO,
    DEPUTY_STEWARD: _READ_PORTFOLIO,
    MANAGEMENT: _READ_PORTFOLIO + _READ_CYCLES + ("programmes.view_programmeproposal",),
    PLANNING_DIRECTOR: _READ_PORTFOLIO + _KEEP_PORTFOLIO + _HAND_OVER_CYCLES,
    RESOURCE_DEVELOPMENT: _READ_PORTFOLIO + _READ_CYCLES,
    COUNCIL_SECRETARY: _READ_PORTFOLIO,
}
