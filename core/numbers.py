"""Numbers as the association writes them: one policy for pages, PDFs and XLSX.

The rule (docs/ARCHITECTURE.md, section 6):

- Western digits 0-9 everywhere, in Arabic and in English: pages, PDFs (page numbers too),
  XLSX, e-mails. Arabic-Indic digits are read (core.text.normalize_digits), never written.
- "." is the decimal separator and "," groups thousands: 12,500.50. Django's Arabic locale
  would write "12.500,50" and "35,0"; crm_site/formats overrides it for both languages, so
  `floatformat`, `intcomma` and `number_format` agree with this module.
- Amounts are SAR with two decimals ("1,500.00"); `format_riyals` drops ".00" for whole
  budgets ("120,000"). Percentages have one decimal: "35.0%". Counts are grouped integers.
- A number is isolated left to right inside Arabic text (the `ltr-value` class, or <bdi>).
- XLSX cells hold real numbers with the same display format (`XLSX_*_FORMAT`).
- Empty is "—".
"""

from decimal import Decimal, InvalidOperation

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
EMPTY = "—"

# Number formats of XLSX cells that match the pages.
XLSX_COUNT_FORMAT = "#,##0"
XLSX_AMOUNT_FORMAT = "#,##0.00"
XLSX_PERCENT_FORMAT = "0.0%"

Number = int | float | Decimal


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError, ValueError):
        return None


def format_number(value: object, places: int = 0, *, grouping: bool = True) -> str:
    """12500.5 -> "12,500.50" with places=2; 1234 -> "1,234"; None -> "—"."""
    number = _decimal(value)
    if number is None:
        return EMPTY if value in (None, "") else str(value)
    spec = f"{',' if grouping else ''}.{places}f"
    return format(number, spec)


def format_amount(value: object) -> str:
    """An amount in SAR: 1500 -> "1,500.00"."""
    return format_number(value, 2)


def format_riyals(value: object) -> str:
    """A budget or a total: 120000 -> "120,000"; 1500.5 -> "1,500.50"."""
    number = _decimal(value)
    if number is None:
        return format_number(value)
    return format_number(number, 0 if number == number.to_integral_value() else 2)


def format_percent(value: object, places: int = 1) -> str:
    """A percentage given as 0..100: 35 -> "35.0%"."""
    text = format_number(value, places, grouping=False)
    return text if text == EMPTY else f"{text}%"
