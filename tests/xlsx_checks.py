"""Checks shared by the tests of every XLSX export (core.xlsx): how a sheet prints, and how
formula-like text and dates are stored."""

from core import xlsx


def assert_prints_one_page_wide(sheet, *, landscape, title_row=1):
    """A4, landscape or portrait, one page wide, the header row on every page."""
    setup = sheet.page_setup
    assert setup.orientation == ("landscape" if landscape else "portrait"), sheet.title
    assert int(setup.paperSize) == 9, sheet.title  # A4
    assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0, sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True, sheet.title
    assert sheet.print_title_rows == f"${title_row}:${title_row}", sheet.title
    assert sheet.sheet_view.rightToLeft is True, sheet.title


def assert_text_cell_as_typed(cell, text):
    """Formula-like text: the value as typed (no apostrophe), a text cell, quote-prefixed."""
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


def assert_date_cell(cell, *, with_time):
    assert cell.is_date, (cell.coordinate, cell.value)
    assert cell.number_format == (xlsx.DATETIME_FORMAT if with_time else xlsx.DATE_FORMAT)
