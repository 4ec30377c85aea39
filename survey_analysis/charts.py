"""The geometry of the stacked bars that show how the answers to one item spread over the
five points of the agreement scale, drawn as inline SVG by the analysis page and the PDFs
(no script, no style attribute).

The SVG is laid out left to right (`direction="ltr"`, so that x means the same thing in
both languages) and mirrored here for a right-to-left page: the scale reads the way the
page reads, «أعارض بشدة» (1) first on the right. Labels stay outside the SVG (WeasyPrint
lays SVG text out left to right whatever its direction); inside, only the percentages,
Western digits."""

from dataclasses import dataclass

STACK_WIDTH = 300
STACK_HEIGHT = 18
# A segment narrower than this shows no percentage (it would not fit).
LABEL_MIN_WIDTH = 26

# 1 (strongly disagree) to 5 (strongly agree): reds, a neutral grey, the brand's greens.
SCALE_COLOURS = ("#b02a37", "#e4606d", "#adb5bd", "#5fae9c", "#0b5e55")
# Text on each colour: white on the dark ones.
SCALE_TEXT_COLOURS = ("#ffffff", "#1d2426", "#1d2426", "#1d2426", "#ffffff")


@dataclass(frozen=True)
class Segment:
    value: int  # the scale point, 1..5
    count: int
    percent: float  # 0..100 of the item's answers
    x: float
    width: float
    colour: str
    text_colour: str
    text_x: float
    label: str  # the percentage printed inside, "" when it does not fit


@dataclass(frozen=True)
class StackedBar:
    segments: tuple[Segment, ...]
    width: int = STACK_WIDTH
    height: int = STACK_HEIGHT
    description: str = ""  # for screen readers: each point's share

    @property
    def text_y(self) -> float:
        return self.height / 2


def stacked_bar(
    counts: tuple[int, ...], *, rtl: bool = True, width: int = STACK_WIDTH, description: str = ""
) -> StackedBar:
    """Five segments, one per scale point (counts[0] is point 1), their widths in proportion
    to the counts; an empty item gives no segment. Widths are rounded to a tenth of a unit
    and the last segment takes what rounding left, so the bar always fills `width`."""
    total = sum(counts)
    segments: list[Segment] = []
    if total:
        position = 0.0
        shown = [index for index, count in enumerate(counts) if count]
        for index, count in enumerate(counts):
            if not count:
                continue
            if index == shown[-1]:
                segment_width = round(width - position, 1)
            else:
                segment_width = round(width * count / total, 1)
            x = round(width - position - segment_width, 1) if rtl else round(position, 1)
            percent = 100 * count / total
            segments.append(
                Segment(
                    value=index + 1,
                    count=count,
                    percent=percent,
                    x=x,
                    width=segment_width,
                    colour=SCALE_COLOURS[index],
                    text_colour=SCALE_TEXT_COLOURS[index],
                    text_x=round(x + segment_width / 2, 1),
                    label=f"{percent:.0f}%" if segment_width >= LABEL_MIN_WIDTH else "",
                )
            )
            position += segment_width
    return StackedBar(segments=tuple(segments), width=width, description=description)
