"""Whether a person's written affiliation names an organization: for conflicts of interest.

An expert's affiliation is free text, typed by a person: the same body turns up in
full-width or half-width, with spaces, with a department in brackets or appended
("浦口区福寿社会工作协会（督导部）", "…协会督导部"), with or without the city in front
("南京市浦口区…"), or as the body's unified social credit code. An exact comparison let
each of those score a bid of their own organization. Here both names are reduced to
their letters and digits (NFKC, case folded, bracketed parts and punctuation dropped),
and the affiliation names the organization when:

- the reduced names are equal, or
- one begins with the other, at least ``MIN_STEM`` characters long (a department after
  the name: "…协会督导部", "南京大学社会学院"), or
- one ends with the other and what comes before is a place ("南京市", "江苏省南京市"),
  so a generic ending ("社会工作协会") alone names nobody, or
- the affiliation carries the organization's credit code.

A false conflict only makes an expert stand aside; a missed one lets them judge their own.
"""

from __future__ import annotations

import re
import unicodedata

# Brackets of every kind after NFKC (which folds the full-width ones to ASCII).
BRACKETED = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕|〈[^〈〉]*〉|《[^《》]*》"
)
NOT_A_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
CREDIT_CODE = re.compile(r"[0-9A-Z]{18}")
MIN_STEM = 4
# What may stand before a name without making another body: provinces, cities, districts.
PLACES = re.compile(r"(?:\w{1,7}?[省市区县])+")


def reduced(name: str) -> str:
    """A name's letters and digits, case folded, its bracketed parts dropped."""
    text = unicodedata.normalize("NFKC", name)
    previous = None
    while previous != text:  # nested brackets, innermost first
        previous, text = text, BRACKETED.sub("", text)
    return NOT_A_LETTER_OR_DIGIT.sub("", text).casefold()


def names_organization(affiliation: str, name: str, credit_code: str = "") -> bool:
    """Whether ``affiliation`` names the organization called ``name``."""
    if credit_code and credit_code.upper() in _credit_codes(affiliation):
        return True
    written, official = reduced(affiliation), reduced(name)
    if not written or not official:
        return False
    if written == official:
        return True
    shorter, longer = sorted((written, official), key=len)
    if len(shorter) >= MIN_STEM and longer.startswith(shorter):
        return True
    before = longer[: len(longer) - len(shorter)]
    return longer.endswith(shorter) and PLACES.fullmatch(before) is not None


def _credit_codes(text: str) -> set[str]:
    return set(CREDIT_CODE.findall(unicodedata.normalize("NFKC", text).upper()))
