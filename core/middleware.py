from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views.defaults import page_not_found


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


class SitePageNotFoundMiddleware:
    """With DEBUG on (`make run`), a page not found still shows the site's own page
    (templates/404.html, in the user's language) instead of Django's English technical 404
    page: a newcomer sees what users see. An unknown address is answered before the view
    is looked up (the technical page is made outside every middleware), a view's Http404
    through process_exception. Refusals (403) already use templates/403.html with DEBUG on,
    and the technical 500 page stays for developers. With DEBUG off it does nothing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exception:
                return page_not_found(request, exception)
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
