"""What each role may do with the manual (registered in ManualConfig.ready, see
association/roles.py), following seed 000 section 1:

- 1.4: every manager and the CRM staff read the manual; any other staff member asks the
  controller, who grants or refuses (a ReadingAccess row, not a permission);
- 1.3: the controller is the CRM manager, who may delegate applying it to a CRM staff member
  for dates (1.6.2: a ControllerDelegation row, not a permission);
- 1.5: the sub-council secretary approves a version;
- 1.10: the director of administrative affairs (a manager: reads) approves the reviews.
"""

from association.roles import (
    ADMIN_AFFAIRS_DIRECTOR,
    CENTRES_MANAGER,
    COUNCIL_SECRETARY,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    PLANNING_DIRECTOR,
)

_READ = ("manual.view_manualdocument",)

GRANTS = {
    CRM_STAFF: _READ,
    CRM_MANAGER: _READ + ("manual.control_manual",),
    CENTRES_MANAGER: _READ,
    MANAGEMENT: _READ,
    PLANNING_DIRECTOR: _READ,
    COUNCIL_SECRETARY: _READ + ("manual.approve_manual_version",),
    # A manager (1.4); approves the 12-month reviews in a later slice (1.10).
    ADMIN_AFFAIRS_DIRECTOR: _READ,
}
