"""What each role may do with the beneficiary support requests (registered in
SupportConfig.ready, see association/roles.py), following seed 003:

- reception staff (CRM by channel, centres affairs by centre) register requests, check their
  documents, refer them, record the declaration, the appeal, the notice and the registration,
  and record the support delivered; centres-affairs staff see their own centres' requests;
- the social research officer («مسؤول البحث الاجتماعي») answers, visits and writes the
  research report, and keeps the committee's meetings and agenda with the centres-affairs
  manager;
- the research committee's members («لجنة البحث», the group's members set in the admin) take
  the decisions;
- the research report and the household are read only by the research officer, the
  committee, the centres-affairs manager and the request's handler (support.selectors);
- the managers and the association's management read the statistics and export them.
"""

from association.roles import (
    CENTRES_MANAGER,
    CENTRES_STAFF,
    COMMITTEE_MEMBER,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    RESEARCH_OFFICER,
)

_READ = ("support.view_supportrequest",)
_READ_ALL = _READ + ("support.view_all_requests",)
_RECEIVE = _READ + ("support.handle_request", "support.deliver_support")
_MEETINGS = ("support.view_committeemeeting",)
_FIGURES = ("support.view_support_statistics", "support.export_support_requests")
_CATALOGUES = (
    "support.view_supporttype",
    "support.add_supporttype",
    "support.change_supporttype",
    "support.view_documenttype",
    "support.add_documenttype",
    "support.change_documenttype",
    "support.view_rejectionreason",
    "support.add_rejectionreason",
    "support.change_rejectionreason",
    "support.view_supportsettings",
    "support.change_supportsettings",
)

GRANTS = {
    CRM_STAFF: _RECEIVE + ("support.view_all_requests",),
    CRM_MANAGER: _RECEIVE + ("support.view_all_requests",) + _FIGURES + _CATALOGUES,
    CENTRES_STAFF: _RECEIVE + ("support.run_distribution_day",),
    CENTRES_MANAGER: _RECEIVE
    + (
        "support.view_all_requests",
        "support.view_confidential",
        "support.manage_committee",
        "support.run_distribution_day",
    )
    + _MEETINGS
    + _FIGURES
    + _CATALOGUES,
    RESEARCH_OFFICER: _READ_ALL
    + (
        "support.research_request",
        "support.view_confidential",
        "support.manage_committee",
    )
    + _MEETINGS,
    COMMITTEE_MEMBER: _READ_ALL
    + ("support.decide_request", "support.view_confidential")
    + _MEETINGS,
    MANAGEMENT: _READ_ALL + _FIGURES + _MEETINGS,
}
