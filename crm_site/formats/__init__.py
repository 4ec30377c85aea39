"""Date formats for Saudi users, in Arabic and in English (FORMAT_MODULE_PATH).

Input: ISO first (what <input type="date"> sends and what a date box shows), then day first
as people write dates here, "04/07/2025" being 4 July. Never month first: Django's English
defaults read "04/07/2025" as 7 April and take "07/15/2025"; both languages refuse the
latter here. Years in four digits only ("04/07/25" could be any of three dates).

Display: as the pages write dates (core.dates): "4 يوليو 2025" / "4 July 2025", short
dates in ISO (isolated left to right, as the pages' tables show them), times on 24 hours.
"""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2025-07-04
    "%Y/%m/%d",  # 2025/07/04
    "%d/%m/%Y",  # 04/07/2025
    "%d-%m-%Y",  # 04-07-2025
    "%d.%m.%Y",  # 04.07.2025
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
# Each date format followed by a time; a date alone is midnight. (Django reads ISO
# datetimes, "2025-07-04T14:30" from <input type="datetime-local">, before these.)
DATETIME_INPUT_FORMATS = [
    f"{date} {time}" for date in DATE_INPUT_FORMATS for time in TIME_INPUT_FORMATS
] + DATE_INPUT_FORMATS

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
TIME_FORMAT = "H:i"
# ISO dates isolated left to right (U+2066 … U+2069): after Arabic text a browser would
# otherwise show "2026-12-06" as "06-12-2026" (the digits take the Arabic text's direction).
SHORT_DATE_FORMAT = "\u2066Y-m-d\u2069"
SHORT_DATETIME_FORMAT = "\u2066Y-m-d H:i\u2069"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
# Numbers (core.numbers): Western digits, "." for decimals and "," for thousands in both
# languages; Django's Arabic defaults ("35,0", "12.500,50") disagreed with the PDFs and XLSX.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0  # Sunday: the working week is Sunday to Thursday
