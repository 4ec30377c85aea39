"""The report documents: one module per report type, each giving the PDF's context and
template and the XLSX of the underlying rows (see base.ReportDocument). Which document
builds a type is in the registry of report kinds (reports.kinds); the three reports of this
app register themselves here, the apps above register theirs."""

from association import roles

from ..kinds import MONTH, WEEK, ReportKind, kind_of, register_report_kind
from ..models import ReportType

# The weekly opportunity report is the CRM department's (and resource development's), the
# monthly performance report goes to the sub-council secretary through the departments
# handling complaints, the recurring-complaints report from the quality officer to the
# strategic planning director.
OWN_KINDS = (
    ReportKind(
        ReportType.WEEKLY_OPPORTUNITIES,
        document="reports.documents.weekly_opportunities.WeeklyOpportunityReport",
        readers=frozenset(
            {roles.CRM_STAFF, roles.CRM_MANAGER, roles.RESOURCE_DEVELOPMENT, roles.MANAGEMENT}
        ),
        period=WEEK,
    ),
    ReportKind(
        ReportType.MONTHLY_PERFORMANCE,
        document="reports.documents.monthly_performance.MonthlyPerformanceReport",
        readers=frozenset(
            {
                roles.CRM_STAFF,
                roles.CRM_MANAGER,
                roles.CENTRES_STAFF,
                roles.CENTRES_MANAGER,
                roles.QUALITY_OFFICER,
                roles.COUNCIL_SECRETARY,
                roles.MANAGEMENT,
            }
        ),
        period=MONTH,
        reviewed=True,
    ),
    ReportKind(
        ReportType.MONTHLY_RECURRING,
        document="reports.documents.monthly_recurring.MonthlyRecurringReport",
        readers=frozenset(
            {
                roles.QUALITY_OFFICER,
                roles.PLANNING_DIRECTOR,
                roles.CRM_MANAGER,
                roles.CENTRES_MANAGER,
                roles.COUNCIL_SECRETARY,
                roles.MANAGEMENT,
            }
        ),
        period=MONTH,
    ),
)


def register_own_kinds():
    for kind in OWN_KINDS:
        register_report_kind(kind)


def document_for(report_type):
    return kind_of(report_type).build_document()
