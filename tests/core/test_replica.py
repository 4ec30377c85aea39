"""Reading from a PostgreSQL streaming replica (core.replica, core.db_router).

The routing rules are checked everywhere; on PostgreSQL with DATABASE_REPLICA_URL (CI:
.ci/replica.sh makes a real replica on port 5433, streaming from the primary) a report, the
exports and the statistics are shown to read the replica, and a workflow step never to touch
it."""

import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from association import roles
from complaints import exports as case_exports
from complaints import services as case_services
from complaints.models import Case, CaseState
from core import replica
from core.db_router import ReplicaRouter
from customers import exports as customer_exports
from customers import statistics as customer_statistics
from customers.models import Customer
from reports import services as report_services
from reports.models import Report, ReportType, RunStatus, Trigger
from reports.periods import previous_period
from tests.complaints.conftest import register
from tests.conftest import skip_or_fail
from tests.helpers import user_with

HAS_REPLICA = replica.REPLICA in settings.DATABASES
# The routing rules are checked with a replica declared in the settings only (no connection
# is made to it), which Django warns about.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")
REPLICA_CATCH_UP_SECONDS = 60


# --- the routing rules (no database needed) -----------------------------------------------


@pytest.fixture
def declared_replica(settings):
    """A replica declared and its reads on, as production has it (no connection is made)."""
    settings.DATABASES = {**settings.DATABASES, replica.REPLICA: {"NAME": "declared"}}
    settings.DATABASE_REPLICA_READS = True


def test_without_a_replica_everything_reads_the_primary(settings):
    settings.DATABASES = {
        alias: config for alias, config in settings.DATABASES.items() if alias != replica.REPLICA
    }
    settings.DATABASE_REPLICA_READS = True
    with replica.reading_replica():
        assert replica.read_alias() == DEFAULT_DB_ALIAS
        assert replica.replica_alias() == DEFAULT_DB_ALIAS


def test_reads_go_to_the_replica_only_inside_a_replica_block(declared_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
    with replica.reading_replica():
        assert router.db_for_read(Case) == replica.REPLICA
        with replica.reading_replica():
            assert router.db_for_read(Case) == replica.REPLICA
    assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
    # Rows read from the replica do not carry it outside the block: their relations are
    # read from the primary.
    row = Case()
    row._state.db = replica.REPLICA
    assert router.db_for_read(Case, instance=row) == DEFAULT_DB_ALIAS


def test_a_write_pins_the_rest_of_the_block_to_the_primary(declared_replica):
    router = ReplicaRouter()
    with replica.reading_replica():
        with replica.reading_replica():
            assert router.db_for_write(Case) == DEFAULT_DB_ALIAS
            assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
        # The outer block too: what the inner one wrote is read back from the primary.
        assert router.db_for_read(Case) == DEFAULT_DB_ALIAS
    with replica.reading_replica():
        assert router.db_for_read(Case) == replica.REPLICA


def test_replica_reads_can_be_switched_off(declared_replica, settings):
    settings.DATABASE_REPLICA_READS = False
    with replica.reading_replica():
        assert replica.read_alias() == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary(declared_replica):
    """Every service, and so every workflow step (Workflow.take_step needs a transaction),
    reads the primary even when called inside a replica block."""
    with replica.reading_replica(), transaction.atomic():
        assert replica.read_alias() == DEFAULT_DB_ALIAS
        assert replica.on_replica(Case.objects.all()).db == DEFAULT_DB_ALIAS


def test_the_replica_is_never_migrated():
    router = ReplicaRouter()
    assert router.allow_migrate(replica.REPLICA, "complaints") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "complaints") is None


# --- a real streaming replica -------------------------------------------------------------


def _lsn(alias, query):
    with connections[alias].cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()[0]


def wait_for_the_replica():
    """Until the replica has replayed everything committed on the primary so far."""
    target = _lsn(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + REPLICA_CATCH_UP_SECONDS
    while True:
        with connections[replica.REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"The replica did not replay {target} in {REPLICA_CATCH_UP_SECONDS} s")
        time.sleep(0.05)


@pytest.fixture
def real_replica(settings, tmp_path):
    """The replica alias pointed at the real replica, on the test database.

    The test runner treats the alias as a mirror of the primary (crm_site/test_settings):
    it creates the test database on the primary only, and streaming replication brings it
    to the replica. Here the alias gets the replica's host and port back, with the test
    database's name."""
    if not HAS_REPLICA:
        skip_or_fail("DATABASE_REPLICA_URL is not set (CI makes a replica with .ci/replica.sh)")
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        skip_or_fail("A streaming replica needs PostgreSQL")
    settings.DATABASE_REPLICA_READS = True
    settings.MEDIA_ROOT = tmp_path / "media"
    connection = connections[replica.REPLICA]
    mirrored = connection.settings_dict
    declared = settings.DATABASES[replica.REPLICA]
    connection.close()
    connection.settings_dict = {
        **mirrored,
        **{key: declared[key] for key in ("HOST", "PORT", "USER", "PASSWORD")},
        "NAME": connections[DEFAULT_DB_ALIAS].settings_dict["NAME"],
    }
    try:
        # A run killed while replay was paused (below) must not leave the replica behind.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        wait_for_the_replica()
        assert _lsn(replica.REPLICA, "SELECT pg_is_in_recovery()") is True
        yield connection
    finally:
        # Never leave replay paused, nor a session that would hold back the flush's replay.
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_wal_replay_resume()")
        connection.close()
        connection.settings_dict = mirrored


def _case_in(period_start, actor, subject):
    case = register(actor, subject=subject)
    received = timezone.make_aware(
        timezone.datetime.combine(period_start, timezone.datetime.min.time())
    ) + timezone.timedelta(days=2, hours=9)
    Case.objects.filter(pk=case.pk).update(received_at=received)
    return case


def _tables(queries):
    return " ".join(query["sql"] for query in queries)


@pytest.mark.django_db(
    transaction=True,
    databases=[DEFAULT_DB_ALIAS, replica.REPLICA] if HAS_REPLICA else [DEFAULT_DB_ALIAS],
)
def test_a_report_reads_the_replica_and_a_workflow_step_never_does(real_replica):
    crm = user_with(roles.CRM_STAFF, "crm_replica")
    start, end = previous_period(ReportType.MONTHLY_PERFORMANCE, timezone.localdate())
    replicated = _case_in(start, crm, "وصلت إلى النسخة المتماثلة")
    Customer.objects.create(code=930001, name="مانح على النسختين", kind="donor")
    report, _created = report_services.request_report(
        report_type=ReportType.MONTHLY_PERFORMANCE,
        period_start=start,
        period_end=end,
        trigger=Trigger.COMMAND,
    )
    wait_for_the_replica()

    # Replay stops on the replica: a case committed on the primary now is not on the
    # replica, so a report that counts it read the primary, and one that does not read
    # the replica.
    with real_replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    _case_in(start, crm, "على الخادم الرئيسي فقط")
    Customer.objects.create(code=930002, name="مانح على الخادم الرئيسي فقط", kind="donor")
    assert Case.objects.filter(received_at__date__gte=start).count() == 2
    assert Customer.objects.count() == 2

    with (
        CaptureQueriesContext(real_replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        report_services.produce(report.pk)

    report = Report.objects.get(pk=report.pk)
    assert report.status == RunStatus.READY, report.error
    assert report.summary["total"] == 1  # the replica's one case, not the primary's two
    assert "complaints_case" in _tables(on_replica.captured_queries)
    # The run's own steps (queued → running → ready) stay on the primary, the figures not.
    assert "reports_report" in _tables(on_primary.captured_queries)
    assert "complaints_case" not in _tables(on_primary.captured_queries)

    # The exports (streamed, in chunks) and the statistics read the replica too.
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as exporting_on_primary:
        case_rows = list(case_exports.case_rows(Case.objects.all()))
        customer_rows = list(customer_exports.export_rows(Customer.objects.all()))
        figures = customer_statistics.customer_statistics(Customer.objects.all(), "kind")
    assert [row[0] for row in case_rows] == [replicated.tracking_number]
    assert len(customer_rows) == 1
    assert figures.total == 1
    assert "complaints_case" not in _tables(exporting_on_primary.captured_queries)
    assert "customers_customer" not in _tables(exporting_on_primary.captured_queries)

    with real_replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_the_replica()

    # A workflow step, with replica reads on, touches only the primary.
    with CaptureQueriesContext(real_replica) as during_step:
        case_services.case_promise_callback(case=replicated, actor=crm, note="نعاود الاتصال")
    assert during_step.captured_queries == []
    replicated.refresh_from_db()
    assert replicated.state == CaseState.CALLBACK_PROMISED
