"""Geometry of the charts printed in the report PDFs, drawn by the templates as inline SVG
(the approach of customers.statistics.bar_chart, generalised to any labelled values).

WeasyPrint lays SVG text out left to right whatever its `direction`: Arabic words come out
in the wrong order. So the bar chart's labels are HTML (a table cell beside each bar,
shaped and ordered like the rest of the page) and the SVG draws only the bars and their
values (Western digits). Each bar's SVG is laid out with direction="ltr" so that x and
text-anchor mean the same thing in both languages; for right-to-left documents the
geometry is mirrored here: bars grow leftwards from the labels, values sit at the bars'
ends, months run from right to left."""

from dataclasses import dataclass

BAR_TRACK_WIDTH = 220
BAR_VALUE_WIDTH = 70
BAR_ROW_HEIGHT = 14
BAR_HEIGHT = 10
LABEL_MAX_CHARACTERS = 34


@dataclass
class Bar:
    label: str
    full_label: str
    value_text: str
    x: float
    width: float
    value_x: float
    value_anchor: str


def shortened(label, limit=LABEL_MAX_CHARACTERS):
    label = str(label)
    if len(label) <= limit:
        return label
    return label[: limit - 1] + "…"


def bar_chart(rows, *, rtl=True, width=BAR_TRACK_WIDTH):
    """A horizontal bar chart of `rows`, each (label, value, value_text); values are
    numbers (int, float or Decimal) >= 0. Returns the geometry of each row's bar in an
    SVG `width` wide, the longest bar leaving room for its value."""
    rows = list(rows)
    track = width - BAR_VALUE_WIDTH
    largest = max((float(value or 0) for _label, value, _text in rows), default=0) or 1
    bars = []
    for label, value, value_text in rows:
        value = float(value or 0)
        bar_width = round(track * value / largest, 1)
        if value and bar_width < 1:
            bar_width = 1.0  # a non-empty row always shows
        if rtl:
            x = round(width - bar_width, 1)
            value_x, value_anchor = round(x - 4, 1), "end"
        else:
            x = 0
            value_x, value_anchor = round(bar_width + 4, 1), "start"
        bars.append(
            Bar(
                label=shortened(label),
                full_label=str(label),
                value_text=value_text,
                x=x,
                width=bar_width,
                value_x=value_x,
                value_anchor=value_anchor,
            )
        )
    return {
        "width": width,
        "height": BAR_ROW_HEIGHT,
        "bar_y": (BAR_ROW_HEIGHT - BAR_HEIGHT) / 2,
        "bar_height": BAR_HEIGHT,
        "text_y": BAR_ROW_HEIGHT / 2,
        "bars": bars,
    }


COLUMN_WIDTH = 26
COLUMN_GAP = 10
COLUMN_AREA_HEIGHT = 46
COLUMN_TOP = 12  # room for the count above the tallest column
COLUMN_LABEL_HEIGHT = 14


@dataclass
class Column:
    label: str
    value_text: str
    x: float
    y: float
    height: float
    centre_x: float
    value_y: float


def column_chart(rows, *, rtl=True):
    """A small vertical column chart of `rows`, each (label, value, value_text), in time
    order (oldest first): in a right-to-left chart the oldest is on the right, as in the
    table beside it."""
    rows = list(rows)
    largest = max((float(value) for _label, value, _text in rows), default=0) or 1
    count = len(rows)
    width = max(count, 1) * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP
    columns = []
    for index, (label, value, value_text) in enumerate(rows):
        value = float(value or 0)
        height = round(COLUMN_AREA_HEIGHT * value / largest, 1)
        if value and height < 1:
            height = 1.0
        slot = count - 1 - index if rtl else index
        x = slot * (COLUMN_WIDTH + COLUMN_GAP)
        columns.append(
            Column(
                label=str(label),
                value_text=value_text,
                x=x,
                y=round(COLUMN_TOP + COLUMN_AREA_HEIGHT - height, 1),
                height=height,
                centre_x=x + COLUMN_WIDTH / 2,
                value_y=round(COLUMN_TOP + COLUMN_AREA_HEIGHT - height - 2, 1),
            )
        )
    baseline = COLUMN_TOP + COLUMN_AREA_HEIGHT
    return {
        "width": width,
        "height": baseline + COLUMN_LABEL_HEIGHT,
        "baseline": baseline,
        "label_y": baseline + COLUMN_LABEL_HEIGHT - 3,
        "column_width": COLUMN_WIDTH,
        "columns": columns,
    }
