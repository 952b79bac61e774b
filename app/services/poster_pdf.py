"""The workshop poster and a facilitator's access sheet as one-page A4 PDFs (fpdf2, no images)."""

from dataclasses import dataclass
from pathlib import Path

import qrcode
from fpdf import FPDF

#: Unicode TrueType fonts for umlauts; Debian's fonts-dejavu-core (see the Makefile).
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts",
)
PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 15.0


@dataclass(frozen=True)
class PosterText:
    """What the poster says, already in the organizer's language."""

    kicker: str
    title: str
    when: str
    room: str
    call: str
    link: str
    step_address: str
    address: str
    step_code: str
    code: str
    note: str
    #: For people without a smartphone: they write on paper, the facilitators type it in.
    no_phone: str = ""


def _font(name: str) -> Path:
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name}: apt-get install fonts-dejavu-core")


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules, with its quiet zone; True is a dark square."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


@dataclass(frozen=True)
class AccessSheetText:
    """What a facilitator's access sheet says, already in the organizer's language."""

    kicker: str
    title: str
    holder: str
    step_link: str
    link: str
    #: The PIN part is left out when the access has no PIN.
    step_pin: str = ""
    code_and_pin: str = ""
    note: str = ""


def _document(title: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(title)
    pdf.set_creator("Querschnitt")
    pdf.add_font("DejaVu", "", str(_font("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(_font("DejaVuSans-Bold.ttf")))
    pdf.add_font("DejaVuMono", "", str(_font("DejaVuSansMono.ttf")))
    pdf.add_font("DejaVuMono", "B", str(_font("DejaVuSansMono-Bold.ttf")))
    pdf.add_page()
    pdf.set_y(MARGIN)
    return pdf


def _writer(pdf: FPDF):
    """A function writing one centred paragraph: ``line(size, text, style, family, gap)``."""
    width = PAGE_W - 2 * MARGIN

    def line(size: float, value: str, style: str = "", family: str = "DejaVu", gap: float = 1):
        if not value:
            return
        pdf.set_font(family, style, size)
        pdf.multi_cell(width, size * 0.45, value, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    return line


def _qr(pdf: FPDF, data: str, size: float) -> None:
    """Draw the QR code centred below the current line, ``size`` mm wide, and move below it."""
    matrix = qr_matrix(data)
    module = size / len(matrix)
    left, top = (PAGE_W - size) / 2, pdf.get_y()
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            # One rectangle per run of dark modules: a smaller file, no hairlines between them.
            pdf.rect(
                left + start * module,
                top + row * module,
                (column - start) * module,
                module,
                style="F",
            )
    pdf.set_y(top + size + 2)


def build_poster_pdf(text: PosterText) -> bytes:
    """Return the poster: title, time and room, a big QR code, the address and the short code."""
    pdf = _document(text.title)
    line = _writer(pdf)
    line(13, text.kicker, gap=2)
    line(28, text.title, "B", gap=3)
    line(15, text.when)
    line(15, text.room, gap=4)
    line(17, text.call, "B", gap=2)
    _qr(pdf, text.link, 130.0)
    line(13, text.step_address)
    line(19, text.address, "B", gap=3)
    line(13, text.step_code)
    line(44, text.code, "B", family="DejaVuMono", gap=3)
    line(12, text.note)
    line(12, text.no_phone)
    return bytes(pdf.output())


def build_access_pdf(*texts: AccessSheetText) -> bytes:
    """Return facilitators' access sheets, one A4 page each: who, which workshop, the link
    as QR and text, PIN."""
    pdf = _document(texts[0].title)
    for index, text in enumerate(texts):
        if index:
            pdf.add_page()
            pdf.set_y(MARGIN)
        _access_page(pdf, text)
    return bytes(pdf.output())


def _access_page(pdf: FPDF, text: AccessSheetText) -> None:
    line = _writer(pdf)
    line(13, text.kicker, gap=2)
    line(24, text.title, "B", gap=3)
    line(15, text.holder, gap=5)
    _qr(pdf, text.link, 115.0)
    line(13, text.step_link, gap=2)
    # The link holds a long secret: monospaced, so that 0/O and 1/l can be told apart,
    # and on one line (smaller if need be), since a break inside the secret misleads typing.
    size = 12.0
    pdf.set_font("DejaVuMono", "", size)
    while size > 7 and pdf.get_string_width(text.link) > PAGE_W - 2 * MARGIN - 2:
        size -= 0.5
        pdf.set_font("DejaVuMono", "", size)
    line(size, text.link, family="DejaVuMono", gap=6)
    line(13, text.step_pin, gap=2)
    line(30, text.code_and_pin, "B", family="DejaVuMono", gap=6)
    line(12, text.note)
