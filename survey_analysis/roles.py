"""What each role may do with the survey analysis and what follows it (procedure
«استبيانات الرضى الدورية», steps 4–8; manual 3.1.19 for the success stories).

- The analysis page and the documents: the quality officer (who analyses, step 4) and the
  managers who review, decide and survey the donors (CRM, centres affairs, management).
- Findings (step 4): the quality officer. Treatment steps (step 6): the CRM and
  centres-affairs managers. The decision (step 7): the association's management.
- Success stories: written by CRM staff, the CRM manager and the quality officer, approved
  by the CRM manager; read by them, management and resource development (donors).
"""

from association import roles

ANALYSIS_READERS = (
    roles.QUALITY_OFFICER,
    roles.CRM_MANAGER,
    roles.CENTRES_MANAGER,
    roles.MANAGEMENT,
)
STORY_READERS = (
    roles.CRM_STAFF,
    roles.CRM_MANAGER,
    roles.QUALITY_OFFICER,
    roles.MANAGEMENT,
    roles.RESOURCE_DEVELOPMENT,
)

READ = (
    "survey_analysis.view_roundfindings",
    "survey_analysis.view_treatmentaction",
    "survey_analysis.view_rounddocument",
    "survey_analysis.view_managementdecision",
)


def _grants() -> dict[roles.Role, set[str]]:
    grants: dict[roles.Role, set[str]] = {role: set(READ) for role in ANALYSIS_READERS}
    for role in STORY_READERS:
        grants.setdefault(role, set()).add("survey_analysis.view_successstory")
    grants[roles.QUALITY_OFFICER] |= {
        "survey_analysis.add_roundfindings",
        "survey_analysis.change_roundfindings",
        "survey_analysis.add_rounddocument",
        "survey_analysis.add_successstory",
    }
    for manager in (roles.CRM_MANAGER, roles.CENTRES_MANAGER):
        grants[manager] |= {
            "survey_analysis.add_treatmentaction",
            "survey_analysis.change_treatmentaction",
            "survey_analysis.add_rounddocument",
        }
    grants[roles.CRM_MANAGER] |= {
        "survey_analysis.add_successstory",
        "survey_analysis.approve_successstory",
    }
    grants[roles.CRM_STAFF].add("survey_analysis.add_successstory")
    grants[roles.MANAGEMENT] |= {"survey_analysis.add_managementdecision"}
    return grants


GRANTS = _grants()
