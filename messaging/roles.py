"""What each role may do with messaging (registered in MessagingConfig.ready, see
association/roles.py).

The manual gives targeted SMS marketing to the CRM department (3.1.7): CRM staff build
segments, write and send messages; the CRM manager does the same and approves marketing
messages to many recipients (never their own: messaging.models.may_approve). Centres-affairs
staff have no customer segments of their own in the role model (their reach is the cases of
their centres), so they do not message customers here; administrators (superusers) hold
every permission."""

from association.roles import CRM_MANAGER, CRM_STAFF

_WRITE = (
    "messaging.view_segment",
    "messaging.add_segment",
    "messaging.change_segment",
    "messaging.view_message",
    "messaging.send_message",
)

GRANTS = {
    CRM_STAFF: _WRITE,
    CRM_MANAGER: _WRITE + ("messaging.approve_message",),
}
