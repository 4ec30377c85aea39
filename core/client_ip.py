"""The visitor's address, the same for the login lock (django-axes) and the public pages'
rate limits (django-ratelimit).

django-ipware reads it from the headers named in AXES_IPWARE_META_PRECEDENCE_ORDER (the
proxy's X-Forwarded-For when AXES_PROXY_COUNT says a proxy is in front, REMOTE_ADDR only
otherwise), so a visitor cannot choose their own address by sending a header.
"""

from axes.helpers import get_client_ip_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """RATELIMIT_IP_META_KEY: the address django-axes uses, or the peer's when none is found."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")
