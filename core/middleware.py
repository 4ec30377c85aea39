from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ArabicFirstLocaleMiddleware(LocaleMiddleware):
    """Arabic unless the user picked another language with the switch (the language cookie).

    The browser's Accept-Language is ignored on purpose: many staff browsers are set to
    English, and the association works in Arabic."""

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class NoStoreFilesMiddleware:
    """Files served by the application (customer forms, exports, attachments, pledges,
    reports) carry personal data: no browser or proxy may keep a copy. Any response that
    is a download or an inline document (Content-Disposition) or a stream gets
    Cache-Control: no-store (with private, no-cache, max-age=0), Expires and, for old
    proxies, Pragma: no-cache. Static files never reach it (whitenoise answers first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Content-Disposition") or response.streaming:
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
