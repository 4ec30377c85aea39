"""The report documents: one module per report type, each giving the PDF's context and
template and the XLSX of the underlying rows (see base.ReportDocument)."""

from ..models import ReportType


def document_for(report_type):
    from .monthly_performance import MonthlyPerformanceReport
    from .monthly_recurring import MonthlyRecurringReport
    from .weekly_opportunities import WeeklyOpportunityReport

    return {
        ReportType.WEEKLY_OPPORTUNITIES: WeeklyOpportunityReport,
        ReportType.MONTHLY_PERFORMANCE: MonthlyPerformanceReport,
        ReportType.MONTHLY_RECURRING: MonthlyRecurringReport,
    }[report_type]()
