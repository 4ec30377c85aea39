"""Helpers shared by every test package: users holding a role (the `people` fixture in
tests/conftest.py builds each package's cast from its `people_roles` table with these) and
markup compared as the browser reads it."""

import re

from django.contrib.auth.models import Group

from association import roles
from tests.factories import UserFactory


def user_with(role, username, **fields):
    """A user named `username` holding `role` (a roles.Role), or no role when it is None."""
    user = UserFactory(username=username, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.group_name))
    return user


# Every role by its code, for the tests that go through the whole permission matrix.
ROLES_BY_CODE = {role.code: role for role in roles.ALL_ROLES}


def same_markup(html):
    """Whitespace between and inside tags does not show."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*([<>])\s*", r"\1", html)
