"""How the portfolio's numbers read on the pages and in the import preview."""

from decimal import Decimal, InvalidOperation


def format_riyals(value):
    """120000 → "120,000"; 1500.5 → "1,500.50"; Latin digits, read left to right."""
    if value is None or value == "":
        return "—"
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"
