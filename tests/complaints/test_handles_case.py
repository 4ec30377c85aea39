"""Whether a case is in a user's queue (selectors.user_handles_case) is read from the case's
route and centre: the same answer as the queue's query (cases_in_queue_of), without a query
but for a centres case asked by a centres-affairs employee."""

import pytest

from association import roles
from complaints import selectors
from complaints.models import Case, CaseRoute
from tests.factories import UserFactory

from .conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(people, places, customers):
    """A case of each queue: the CRM's, each centre's, and a centres case with no centre."""
    crm = register(people["crm"], customers["donor"])
    mine = register(people["centres"], customers["beneficiary"])
    other = register(people["centres_other"], customers["beneficiary_other"])
    no_centre = register(people["crm"], customers["donor"])
    Case.objects.filter(pk=no_centre.pk).update(routed_to=CaseRoute.CENTRES, centre=None)
    return [Case.objects.get(pk=case.pk) for case in (crm, mine, other, no_centre)]


def test_the_answer_is_the_queues(people, cases):
    readers = [*people.values(), UserFactory(is_superuser=True), UserFactory()]
    for user in readers:
        for case in cases:
            in_queue = selectors.cases_in_queue_of(user).filter(pk=case.pk).exists()
            fresh = Case.objects.get(pk=case.pk)  # nothing remembered on it
            assert selectors.user_handles_case(user, fresh) is in_queue, (user, case.routed_to)


@pytest.mark.parametrize("who", ["crm", "crm_manager", "centres_manager", "quality", "steward"])
def test_no_query_unless_a_centres_employee_asks_about_a_centres_case(
    people, cases, who, django_assert_num_queries
):
    user = people[who]
    # Permissions and roles are read before by every page.
    user.has_perm("complaints.view_case")
    roles.user_roles(user)
    with django_assert_num_queries(0):
        for case in cases:
            selectors.user_handles_case(user, case)


def test_a_centres_employee_asks_once_per_centres_case(people, cases, django_assert_num_queries):
    user = people["centres"]
    user.has_perm("complaints.view_case")
    roles.user_roles(user)
    crm, mine, other, no_centre = cases
    with django_assert_num_queries(0):
        assert not selectors.user_handles_case(user, crm)
        assert not selectors.user_handles_case(user, no_centre)
    with django_assert_num_queries(2):
        assert selectors.user_handles_case(user, mine)
        assert not selectors.user_handles_case(user, other)
        # Remembered on the case for its queue.
        assert selectors.user_handles_case(user, mine)
