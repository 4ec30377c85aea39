"""Types for views. Every page but the few marked login_not_required is behind Django's
LoginRequiredMiddleware, so a view's request carries a signed-in user."""

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthenticatedRequest(HttpRequest):
    """For annotations only: a request whose `user` is a signed-in User, never anonymous."""

    user: User
