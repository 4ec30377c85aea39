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
- File sizes in one spelling of the units (the glossary's "ميجابايت"): "5 ميجابايت",
  "1.5 ميجابايت", "320 كيلوبايت" (`format_file_size`; Django's filesizeformat writes "م.ب").
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

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


KILOBYTE = 1024
MEGABYTE = 1024 * KILOBYTE


def format_file_size(size: int | None) -> str:
    """5242880 -> "5 MB" / "5 ميجابايت"; 1572864 -> "1.5 MB"; 2048 -> "2 KB"; one decimal
    at most, none when whole."""
    if size is None:
        return EMPTY
    if size >= MEGABYTE:
        value, unit = Decimal(size) / MEGABYTE, _("%(size)s MB")
    elif size >= KILOBYTE:
        value, unit = Decimal(size) / KILOBYTE, _("%(size)s KB")
    else:
        return _("%(size)s bytes") % {"size": format_number(size)}
    rounded = value.quantize(Decimal("0.1"))
    places = 0 if rounded == rounded.to_integral_value() else 1
    return unit % {"size": format_number(rounded, places)}
