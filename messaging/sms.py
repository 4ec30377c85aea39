"""How long an SMS is: characters, encoding and parts, as the gateways bill it.

A text made only of the GSM 03.38 alphabet travels in 7-bit GSM: 160 characters in one
part, 153 per part when split (the rest carries the joining header); the characters of the
extension table (€ [ ] { } …) take two places each. Any other character, Arabic included,
makes the whole text UCS-2: 70 in one part, 67 per part when split. The compose screen's
counter (static/js/sms-counter.js) follows the same rules; a browser test holds them equal.
"""

from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM_SINGLE, GSM_PER_PART = 160, 153
UCS2_SINGLE, UCS2_PER_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # as the user counts them
    units: int  # places taken in the encoding (an extension character takes two)
    parts: int
    per_part: int  # the capacity of each part at this length

    @property
    def remaining(self) -> int:
        """Places left in the last part before one more part is needed."""
        return self.parts * self.per_part - self.units if self.parts else self.per_part


def sms_length(text: str) -> SmsLength:
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        units = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        return _length("GSM-7", len(text), units, GSM_SINGLE, GSM_PER_PART)
    # UCS-2 counts UTF-16 code units: a character outside the basic plane (an emoji) is two.
    units = len(text.encode("utf-16-le")) // 2
    return _length("UCS-2", len(text), units, UCS2_SINGLE, UCS2_PER_PART)


def _length(encoding: str, characters: int, units: int, single: int, per_part: int) -> SmsLength:
    if units <= single:
        return SmsLength(encoding, characters, units, 1 if units else 0, single)
    parts = -(-units // per_part)
    return SmsLength(encoding, characters, units, parts, per_part)
