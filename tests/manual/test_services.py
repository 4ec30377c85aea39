"""The manual's services: loading, reading access (1.4), the reading log, the controller's
delegations (1.3, 1.6.2), and a version from draft to in force (1.5, 1.12)."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from manual import selectors, services
from manual.errors import ManualError
from manual.models import (
    ChangeLogEntry,
    ManualDocument,
    ManualSection,
    ManualVersion,
    ProcedureStep,
    Reading,
    VersionState,
    VersionTransition,
)

pytestmark = pytest.mark.django_db


# --- loading ---------------


def test_load_creates_each_document_in_force_with_its_header(loaded):
    crm = loaded["crm"].versions.get()
    assert crm.state == VersionState.IN_FORCE and crm.serial == 1
    assert crm.approved_by == "أمين المجلس الفرعي"
    assert crm.sections.count() == 110
    assert ProcedureStep.objects.filter(section__version=crm).count() == 40
    policy = loaded["beneficiary-relations"]
    assert policy.number == "28"
    version = policy.versions.get()
    assert (version.serial, version.prepared_by, version.reviewed_by, version.approved_by) == (
        2,
        "المراجع الداخلي",
        "الرئيس التنفيذي",
        "مجلس الإدارة",
    )
    step = ProcedureStep.objects.get(section__version=crm, section__number="5.2-1", number=3)
    assert (step.duration_value, step.duration_unit, step.duration_text) == (1, "days", "١ يوم")


def test_load_is_idempotent(loaded):
    assert services.load_manual() == 0
    call_command("load_manual", stdout=__import__("io").StringIO())
    assert ManualVersion.objects.count() == 2
    assert ManualSection.objects.count() == 116


def test_exactly_one_version_in_force_per_document(crm_manual):
    with pytest.raises(IntegrityError), transaction.atomic():
        ManualVersion.objects.create(document=crm_manual, serial=9, state=VersionState.IN_FORCE)


def test_the_state_is_changed_only_by_transitions(crm_manual):
    version = crm_manual.versions.get()
    with pytest.raises(AttributeError):
        version.state = VersionState.DRAFT


# --- reading access (1.4) ---------------


def test_managers_and_crm_staff_read_others_do_not(people, crm_manual):
    for name in ("controller", "crm", "secretary", "centres_manager"):
        assert selectors.may_read(people[name], crm_manual), name
    for name in ("centres", "quality", "nobody"):
        assert not selectors.may_read(people[name], crm_manual), name


def test_a_request_granted_by_the_controller_gives_reading(people, crm_manual, policy, english):
    access = services.access_request(document=crm_manual, actor=people["quality"], reason="5.1.7")
    assert access.state == "requested"
    with pytest.raises(ManualError, match="already with the controller"):
        services.access_request(document=crm_manual, actor=people["quality"])
    services.access_decide(access=access, actor=people["controller"], grant=True)
    access.refresh_from_db()
    assert (access.state, access.decided_by) == ("granted", people["controller"])
    assert access.decided_at is not None
    assert selectors.may_read(people["quality"], crm_manual)
    # Per document: the policy still needs its own request.
    assert not selectors.may_read(people["quality"], policy)
    with pytest.raises(ManualError, match="already read"):
        services.access_request(document=crm_manual, actor=people["quality"])


def test_a_refusal_needs_a_reason(people, crm_manual, english):
    access = services.access_request(document=crm_manual, actor=people["centres"])
    with pytest.raises(ManualError, match="why"):
        services.access_decide(access=access, actor=people["controller"], grant=False)
    services.access_decide(
        access=access, actor=people["controller"], grant=False, refusal_reason="ليس من مهامك"
    )
    access.refresh_from_db()
    assert (access.state, access.refusal_reason) == ("refused", "ليس من مهامك")
    assert not selectors.may_read(people["centres"], crm_manual)
    # Refused: they may ask again.
    services.access_request(document=crm_manual, actor=people["centres"])


def test_readers_may_not_ask(people, crm_manual, english):
    with pytest.raises(ManualError, match="already read"):
        services.access_request(document=crm_manual, actor=people["crm"])


def test_only_the_controller_decides_and_only_once(people, crm_manual, english):
    access = services.access_request(document=crm_manual, actor=people["centres"])
    for name in ("crm", "secretary", "centres_manager", "quality"):
        with pytest.raises(ManualError, match="controller"):
            services.access_decide(access=access, actor=people[name], grant=True)
    services.access_decide(access=access, actor=people["controller"], grant=True)
    with pytest.raises(ManualError, match="decided already"):
        services.access_decide(
            access=access, actor=people["controller"], grant=False, refusal_reason="x"
        )


def test_the_reading_log(people, crm_manual):
    version = crm_manual.versions.get()
    services.reading_record(version=version, actor=people["crm"], section_number="5.1.6")
    reading = Reading.objects.get()
    assert (reading.user, reading.version, reading.section_number) == (
        people["crm"],
        version,
        "5.1.6",
    )
    assert list(selectors.reading_log()) == [reading]


# --- the controller's delegations (1.6.2) ---------------


def test_a_delegate_acts_as_controller_within_the_dates(people, crm_manual, english):
    today = timezone.localdate()
    delegation = services.delegation_create(
        delegate=people["crm"],
        starts_on=today,
        ends_on=today + datetime.timedelta(days=7),
        actor=people["controller"],
        note="إجازة",
    )
    assert delegation.granted_by == people["controller"]
    assert selectors.is_controller(people["crm"])
    assert not selectors.is_controller(people["crm"], today + datetime.timedelta(days=8))
    assert not selectors.is_controller(people["crm"], today - datetime.timedelta(days=1))
    assert not selectors.is_controller(people["crm2"])
    access = services.access_request(document=crm_manual, actor=people["quality"])
    services.access_decide(access=access, actor=people["crm"], grant=True)
    access.refresh_from_db()
    assert access.decided_by == people["crm"]


def test_delegation_rules(people, english):
    today = timezone.localdate()
    week = today + datetime.timedelta(days=7)
    with pytest.raises(ManualError):  # only the manager delegates
        services.delegation_create(
            delegate=people["crm2"], starts_on=today, ends_on=week, actor=people["crm"]
        )
    with pytest.raises(ManualError, match="CRM staff"):
        services.delegation_create(
            delegate=people["quality"], starts_on=today, ends_on=week, actor=people["controller"]
        )
    with pytest.raises(ManualError, match="ends before"):
        services.delegation_create(
            delegate=people["crm"], starts_on=week, ends_on=today, actor=people["controller"]
        )
    with pytest.raises(ManualError, match="past"):
        services.delegation_create(
            delegate=people["crm"],
            starts_on=today - datetime.timedelta(days=9),
            ends_on=today - datetime.timedelta(days=2),
            actor=people["controller"],
        )


# --- versions (1.5, 1.12) ---------------


def _submitted(people, document):
    draft = services.version_start_draft(document=document, actor=people["controller"])
    services.change_add(
        version=draft,
        actor=people["controller"],
        changed_on=timezone.localdate(),
        where="5.1.6",
        summary="إضافة تاريخ الإغلاق",
    )
    return services.version_submit(version=draft, actor=people["controller"])


def test_a_draft_copies_the_version_in_force_and_is_edited(people, crm_manual, english):
    current = crm_manual.versions.get()
    draft = services.version_start_draft(document=crm_manual, actor=people["controller"])
    assert (draft.serial, draft.state) == (2, VersionState.DRAFT)
    assert draft.sections.count() == current.sections.count()
    assert ProcedureStep.objects.filter(section__version=draft).count() == 40
    section = draft.sections.get(number="5.1.6")
    services.section_edit(section=section, actor=people["controller"], title="", text="نص جديد")
    section.refresh_from_db()
    assert section.text == "نص جديد"
    assert section.history.first().history_user == people["controller"]
    # The version in force is untouched.
    assert current.sections.get(number="5.1.6").text.startswith("يجب أن يشمل")
    with pytest.raises(ManualError, match="being prepared"):
        services.version_start_draft(document=crm_manual, actor=people["controller"])
    with pytest.raises(ManualError, match="read-only"):
        services.section_edit(
            section=current.sections.get(number="5.1.6"),
            actor=people["controller"],
            title="",
            text="x",
        )
    with pytest.raises(ManualError, match="controller"):
        services.section_edit(section=section, actor=people["crm"], title="", text="x")


def test_submitting_needs_the_change_log(people, crm_manual, english):
    draft = services.version_start_draft(document=crm_manual, actor=people["controller"])
    with pytest.raises(ManualError, match="change log"):
        services.version_submit(version=draft, actor=people["controller"])
    with pytest.raises(ManualError, match="summarise"):
        services.change_add(
            version=draft,
            actor=people["controller"],
            changed_on=timezone.localdate(),
            where="",
            summary="",
        )


def test_the_secretary_approves_and_the_previous_is_superseded(people, crm_manual, english):
    previous = crm_manual.versions.get()
    submitted = _submitted(people, crm_manual)
    assert submitted.state == VersionState.SUBMITTED
    assert ChangeLogEntry.objects.get(version=submitted).serial == 2
    for name in ("controller", "crm", "centres_manager"):
        with pytest.raises(ManualError, match="secretary"):
            services.version_approve(version=submitted, actor=people[name])
    approved = services.version_approve(version=submitted, actor=people["secretary"])
    previous.refresh_from_db()
    assert approved.state == VersionState.IN_FORCE
    assert approved.approved_in_system_by == people["secretary"]
    assert approved.issued_on == timezone.localdate()
    assert previous.state == VersionState.SUPERSEDED
    assert selectors.version_in_force(crm_manual) == approved
    steps = list(
        VersionTransition.objects.values_list(
            "version__serial", "source", "target", "actor__username"
        )
    )
    assert steps == [
        (2, "draft", "submitted", "controller"),
        (1, "in_force", "superseded", "secretary"),
        (2, "submitted", "in_force", "secretary"),
    ]
    # A second click is refused with a message.
    with pytest.raises(ManualError, match="no longer at this step"):
        services.version_approve(version=submitted, actor=people["secretary"])


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_one_wins(people_roles, english):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from tests.helpers import user_with

    services.load_manual()
    people = {name: user_with(role, name) for name, role in people_roles.items()}
    second = user_with(people_roles["secretary"], "secretary2")
    document = ManualDocument.objects.get(key="crm")
    submitted = _submitted(people, document)
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(user):
        try:
            barrier.wait()
            with translation.override("en"):  # the fixture's override is the main thread's
                services.version_approve(version=submitted, actor=user)
            outcomes.append("approved")
        except ManualError as error:
            outcomes.append(str(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (people["secretary"], second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("approved") == 1
    refused = next(outcome for outcome in outcomes if outcome != "approved")
    assert "no longer at this step" in refused
    assert ManualVersion.objects.filter(document=document, state=VersionState.IN_FORCE).count() == 1
    assert VersionTransition.objects.filter(target=VersionState.IN_FORCE).count() == 1
