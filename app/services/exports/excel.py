"""The Excel workbook: one sheet per workshop and one of the cross-cutting needs."""

import io
import re
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from app.models import CardKind
from app.services.exports.data import (
    EventData,
    Progress,
    WorkshopData,
    file_export,
    kind_label,
    venue_time,
)
from app.services.exports.needs import NeedView
from app.services.exports.safe import looks_like_formula, plain

#: Excel refuses these in sheet names, and names longer than 31 characters.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
#: A gender star or colon inside a word ("Akteur*innen", "Sinti*zze") becomes the gender gap
#: ("Akteur_innen"), which reads the same; a space there would split the word.
_GENDER_MARK = re.compile(r"(?<=\w)[*:](?=\w)")
SHEET_NAME_MAX = 31
#: Widest column, in characters; longer text wraps.
COLUMN_MAX = 60
DATE_FORMATS = {"de": "DD.MM.YYYY HH:MM", "en": "YYYY-MM-DD HH:MM"}


@file_export()
def build_xlsx(
    data: EventData,
    needs: list[NeedView] | None,
    *,
    locale: str,
    pseudonymise: bool,
    progress: Progress,
) -> bytes:
    """Return the event's (or one workshop's) cards on the board as an Excel workbook.

    :param pseudonymise: without names (the default); False adds a column with
        the names participants gave.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    names = sheet_names([w.title for w in data.workshops], reserved=[_("Bedarfe")])
    for index, (workshop, name) in enumerate(zip(data.workshops, names, strict=True)):
        progress(0.1 + 0.8 * index / max(len(data.workshops), 1), workshop.title)
        _workshop_sheet(workbook.create_sheet(name), data, workshop, locale, pseudonymise)
    write_needs_sheet(workbook.create_sheet(_("Bedarfe")), needs or [])
    workbook.properties.title = plain(data.title)
    workbook.properties.creator = "Querschnitt"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_names(titles: Sequence[str], reserved: Sequence[str] = ()) -> list[str]:
    """Return a valid, unique (ignoring case, as Excel does) and readable sheet name per title.

    A title longer than Excel's 31 characters is cut at a word with "…"; where two titles
    would then read the same, the name keeps the end of the title too, where they differ
    ("Rassismus gegen… in der Schule"), and only titles that stay alike get a number.
    """
    taken = {name.casefold() for name in reserved} | {"history"}
    bases = [_sheet_base(title) for title in titles]
    short = [_shorten(base, SHEET_NAME_MAX) for base in bases]
    names = []
    for base, name in zip(bases, short, strict=True):
        alike = {other for other, cut in zip(bases, short, strict=True) if cut == name}
        if len(alike) > 1:
            name = _head_and_tail(base)
        unique, n = name, 1
        while unique.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            unique = _shorten(base, SHEET_NAME_MAX - len(suffix)) + suffix
        taken.add(unique.casefold())
        names.append(unique)
    return names


def _sheet_base(title: str) -> str:
    """The title with only the characters a sheet name may have, in single spaces."""
    text = _NOT_IN_SHEET_NAME.sub(" ", _GENDER_MARK.sub("_", plain(title)))
    return " ".join(text.split()).strip("'").strip() or "Workshop"


def _shorten(text: str, limit: int) -> str:
    """The text, or as much of it as fits with "…", cut after a word where one ends late enough."""
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)
    cut = text[:space] if space > limit // 2 else text[: limit - 1]
    return cut.rstrip(" -–,;.") + "…"


def _head_and_tail(title: str) -> str:
    """The title's beginning and its last words, which tell titles with one beginning apart."""
    room = SHEET_NAME_MAX // 2
    words = title.split(" ")
    tail = words[-1][-room:]
    for start in range(len(words) - 2, 0, -1):
        longer = " ".join(words[start:])
        if len(longer) > room:
            break
        tail = longer
    head = _shorten(title[: len(title) - len(tail)].rstrip(), SHEET_NAME_MAX - len(tail) - 1)
    return f"{head} {tail}"


def text_cell(sheet, row: int, column: int, text: str):
    """Put text in a cell so that it stays text: never a formula, also after editing in Excel."""
    text = plain(text)
    cell = sheet.cell(row=row, column=column)
    cell.value = text or None
    if looks_like_formula(text):
        # openpyxl would store "=…" as a formula; the quote prefix is Excel's own
        # "this is text" mark (the apostrophe typed in front), kept when the cell is edited.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _header(sheet, headers: Sequence[str]) -> None:
    for column, title in enumerate(headers, start=1):
        text_cell(sheet, 1, column, title).font = Font(bold=True)
    sheet.freeze_panes = "A2"


def _finish(sheet, wrap_columns: Sequence[int] = (), *, empty: str | None = None) -> None:
    """Filter on every column, and widths that fit the content (long text wraps).

    :param empty: a sentence for a sheet without rows under its header. It runs on over
        the empty cells beside it rather than widening or wrapping in the first column.
    """
    for column_cells in sheet.iter_cols():
        column = column_cells[0].column
        longest = 0
        for cell in column_cells:
            if cell.value is None:
                continue
            if isinstance(cell.value, datetime):
                length = 16
            else:
                length = max(len(line) for line in str(cell.value).splitlines() or [""])
            longest = max(longest, length)
        sheet.column_dimensions[get_column_letter(column)].width = min(longest + 3, COLUMN_MAX)
        if column in wrap_columns:
            for cell in column_cells[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if empty is not None and sheet.max_row == 1:
        text_cell(sheet, 2, 1, empty)
    sheet.auto_filter.ref = sheet.dimensions


def _workshop_sheet(sheet, data: EventData, workshop: WorkshopData, locale, pseudonymise) -> None:
    headers = [
        _("Art"),
        _("Platz"),
        _("Text"),
        _("Punkte"),
        _("Papier"),
        _("Antwortet auf"),
        _("Gruppe"),
        _("Erstellt am"),
    ]
    if not pseudonymise:
        headers.append(_("Name"))
    _header(sheet, headers)
    yes, no = _("ja"), _("nein")
    row = 2
    for kind in (CardKind.PROBLEM, CardKind.SOLUTION, CardKind.NEED):
        for card in workshop.ranked(kind):
            answered = workshop.answered(card)
            text_cell(sheet, row, 1, kind_label(card.kind))
            sheet.cell(row=row, column=2, value=card.rank)
            text_cell(sheet, row, 3, card.text)
            sheet.cell(row=row, column=4, value=int(card.dots))
            text_cell(sheet, row, 5, yes if card.paper else no)
            text_cell(sheet, row, 6, answered.text if answered else "")
            text_cell(sheet, row, 7, data.author_group(card))
            created = sheet.cell(row=row, column=8, value=venue_time(card.created_at))
            created.number_format = DATE_FORMATS.get(locale, DATE_FORMATS["en"])
            if not pseudonymise:
                text_cell(sheet, row, 9, card.author_name)
            row += 1
    # A bare header row would read like a failed export.
    _finish(
        sheet, wrap_columns=(3, 6), empty=_("Auf dem Board dieses Workshops stehen keine Karten.")
    )


def write_needs_sheet(sheet, needs: Sequence[NeedView]) -> None:
    """The needs sheet: one row per need with where it came from; a note while there are none."""
    _header(
        sheet,
        [
            _("Bedarf"),
            _("Was gebraucht wird"),
            _("Wer es tun könnte"),
            _("Erste Schritte"),
            _("Priorität"),
            _("Anzahl Themen"),
            _("Themen"),
            _("Anzahl Karten"),
            _("Punkte der Karten"),
            _("Punkte in der Abstimmung"),
            _("Ziele (verknüpfte Lösungen)"),
            _("Gruppen (Karten)"),
            _("Karten"),
        ],
    )
    for row, need in enumerate(needs, start=2):
        texts = {
            1: need.title,
            2: need.what,
            3: need.actors,
            4: need.first_steps,
            7: ", ".join(need.themes),
            11: "\n".join(goal.text for goal in need.goals),
            12: ", ".join(f"{label} {count}" for label, count in need.groups),
            13: "\n".join(
                _(
                    "%(text)s (%(workshop)s, %(kind)s, Punkte: %(dots)s)",
                    text=source.text,
                    workshop=source.workshop,
                    kind=kind_label(source.kind),
                    dots=source.dots,
                )
                for source in need.sources
            ),
        }
        for column, value in texts.items():
            text_cell(sheet, row, column, value)
        numbers = {
            5: need.priority,
            6: len(need.themes),
            8: len(need.sources),
            9: need.dots,
            10: need.vote.dots if need.vote else None,
        }
        for column, value in numbers.items():
            sheet.cell(row=row, column=column, value=value)
    _finish(
        sheet,
        wrap_columns=(1, 2, 3, 4, 7, 11, 12, 13),
        empty=_("Es wurden noch keine übergreifenden Bedarfe erfasst."),
    )
