"""What each role may do with the surveys (registered in SurveysConfig.ready, see
association/roles.py), following the procedure «استبيانات الرضى الدورية»:

- the quality officer prepares each round, collects the answers (link, QR poster,
  invitations, paper forms) and analyses them (steps 1, 3, 4);
- the CRM manager and the centres-affairs manager review the content, the report and the
  weak points (steps 2, 5, 6); the CRM manager surveys the donors (step 8);
- the association's management decides on the recommendations (step 7);
- CRM and centres-affairs staff type paper forms in.

Figures about a named presenter (item 6) are for the managers only (seed 003)."""

from association.roles import (
    CENTRES_MANAGER,
    CENTRES_STAFF,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    QUALITY_OFFICER,
)

_READ = ("surveys.view_round",)
_PAPER = _READ + ("surveys.enter_paper_response",)
_REVIEW = _READ + ("surveys.review_round", "surveys.view_presenter_figures")

GRANTS = {
    QUALITY_OFFICER: _PAPER + ("surveys.add_round", "surveys.prepare_round"),
    CRM_MANAGER: _REVIEW + ("surveys.enter_paper_response", "surveys.survey_donors"),
    CENTRES_MANAGER: _REVIEW + ("surveys.enter_paper_response",),
    MANAGEMENT: _READ + ("surveys.decide_round", "surveys.view_presenter_figures"),
    CRM_STAFF: _PAPER,
    CENTRES_STAFF: _PAPER,
}
