"""The short public link of a survey window and its QR code (segno)."""

from __future__ import annotations

import io

import segno

# Medium error correction: the poster survives a crease or a smudge.
ERROR_LEVEL = "m"


def survey_link(base_url: str, code: str) -> str:
    """``https://site/s/CODE``: short enough to type from the poster by hand."""
    return f"{base_url.rstrip('/')}/s/{code}"


def qr_code(link: str) -> segno.QRCode:
    return segno.make(link, error=ERROR_LEVEL, micro=False)


def qr_svg(link: str) -> bytes:
    buffer = io.BytesIO()
    qr_code(link).save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=link)
    return buffer.getvalue()
