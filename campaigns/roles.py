"""What each role may do with the annual plan and the campaigns (registered in
CampaignsConfig.ready, see association/roles.py).

The seed's "مدير إدارة علاقات العملاء وتنمية الموارد" prepares plans and campaigns: the CRM
manager, with resource development reading along; CRM staff upload the agency's proposals
and the launch evidence; association management approves plans, channels and programmes;
finance (resource development), strategic planning and programmes (the planning director)
and centres affairs (its manager) record their coordination on the plan."""

from association.roles import (
    CENTRES_MANAGER,
    CRM_MANAGER,
    CRM_STAFF,
    MANAGEMENT,
    PLANNING_DIRECTOR,
    RESOURCE_DEVELOPMENT,
)

_READ = ("campaigns.view_marketingplan", "campaigns.view_campaign")
_COORDINATE = _READ + ("campaigns.coordinate_marketingplan",)
_STAFF_WORK = _READ + ("campaigns.add_proposal", "campaigns.add_launchevidence")

GRANTS = {
    CRM_STAFF: _STAFF_WORK,
    CRM_MANAGER: _STAFF_WORK
    + (
        "campaigns.add_marketingplan",
        "campaigns.change_marketingplan",
        "campaigns.add_campaign",
        "campaigns.change_campaign",
        "campaigns.manage_campaign",
    ),
    MANAGEMENT: _READ + ("campaigns.approve_marketingplan", "campaigns.approve_campaign"),
    PLANNING_DIRECTOR: _COORDINATE,
    CENTRES_MANAGER: _COORDINATE,
    RESOURCE_DEVELOPMENT: _COORDINATE,
}
