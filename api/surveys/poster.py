"""The A4 poster for the service site: the project, the QR code and the short link.

Drawn with reportlab. Chinese text uses reportlab's built-in CID font ``STSong-Light``
(Adobe-GB1), which ships with reportlab itself, so ``pip install`` needs no system font:
the PDF names the font and the reader supplies the glyphs. Chrome, Firefox, Acrobat
(with its Asian font pack), Preview and phone viewers all do; a reader without any
Chinese font would show blanks, which is the price of not embedding a 10 MB font. The
QR code is drawn as vector squares from segno's matrix, sharp at any print size.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from api.surveys.links import qr_code
from api.surveys.windows import city_time

FONT = "STSong-Light"
QR_SIZE = 120 * mm
MAX_TITLE_CHARS = 18


@dataclass(frozen=True)
class PosterFacts:
    project_title: str
    place: str
    publisher: str
    organization: str | None
    link: str
    opens_at: datetime
    closes_at: datetime


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def poster_pdf(facts: PosterFacts) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"满意度调查 · {facts.project_title}")
    canvas.setAuthor("社洽会")
    font = _font()
    centre = width / 2
    canvas.setFont(font, 34)
    canvas.drawCentredString(centre, height - 40 * mm, "服务满意度调查")
    y = height - 55 * mm
    canvas.setFont(font, 18)
    for line in _lines(facts.project_title, MAX_TITLE_CHARS):
        canvas.drawCentredString(centre, y, line)
        y -= 9 * mm
    canvas.setFont(font, 12)
    served_by = f"承接机构：{facts.organization}　" if facts.organization else ""
    canvas.drawCentredString(centre, y, f"{served_by}发布单位：{facts.publisher}")
    canvas.drawCentredString(centre, y - 7 * mm, facts.place)
    _draw_qr(canvas, facts.link, centre - QR_SIZE / 2, 75 * mm)
    canvas.setFont(font, 16)
    canvas.drawCentredString(centre, 62 * mm, "请用手机扫码，为这项服务打分（约 1 分钟，无需注册）")
    canvas.setFont(font, 12)
    canvas.drawCentredString(centre, 53 * mm, f"或在浏览器中输入：{facts.link}")
    window = f"调查时间：{city_time(facts.opens_at)} 至 {city_time(facts.closes_at)}"
    canvas.drawCentredString(centre, 45 * mm, window)
    canvas.setFont(font, 10)
    canvas.drawCentredString(
        centre, 30 * mm, "不收集姓名。手机号可不填，仅用于防止重复提交，只保存加密后的散列值。"
    )
    canvas.drawCentredString(centre, 24 * mm, "意见建议经审核后公开。感谢您对社区服务的支持！")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_qr(canvas: Canvas, link: str, x: float, y: float) -> None:
    matrix = [list(row) for row in qr_code(link).matrix]
    cell = QR_SIZE / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + QR_SIZE - (row_index + 1) * cell
        for column, dark in enumerate(row):
            if dark:
                canvas.rect(x + column * cell, top, cell, cell, stroke=0, fill=1)


def _lines(text: str, width: int) -> list[str]:
    """A long title on at most three lines of ``width`` characters."""
    lines = [text[i : i + width] for i in range(0, len(text), width)][:3]
    return lines or [""]
