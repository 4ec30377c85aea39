"""What each role may do with tracked links (registered in LinksConfig.ready): CRM staff
and the CRM manager read them, their visits and QR codes; the CRM manager makes and edits
them. The allow-list of outside hosts is kept by the administrator in the admin."""

from association.roles import CRM_MANAGER, CRM_STAFF

_READ = ("links.view_trackedlink",)

GRANTS = {
    CRM_STAFF: _READ,
    CRM_MANAGER: _READ + ("links.add_trackedlink", "links.change_trackedlink"),
}
