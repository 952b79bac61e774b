"""The Word document of the week: it reads like the documentation a coordination office hands on."""

import io
from collections.abc import Callable, Sequence

from babel.dates import format_date
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from flask_babel import gettext as _

from app.models import CardKind
from app.models._types import utcnow
from app.services.exports.data import (
    CardData,
    EventData,
    Progress,
    WorkshopData,
    file_export,
    kind_label,
)
from app.services.exports.needs import NeedView
from app.services.exports.safe import plain

#: Language tags Word uses for spelling and hyphenation.
WORD_LANGUAGES = {"de": "de-DE", "en": "en-GB"}
GREY = RGBColor(0x59, 0x59, 0x59)


@file_export()
def build_docx(
    data: EventData,
    needs: list[NeedView] | None,
    *,
    locale: str,
    pseudonymise: bool,
    progress: Progress,
) -> bytes:
    """Return the documentation of the week (or of one workshop) as a Word document.

    :param workshop_id: document only this workshop of the event.
    :param locale: ``"de"`` or ``"en"``.
    :param pseudonymise: accepted for symmetry; the document never names participants.
    :param progress: called with ``(fraction, message)`` as the document grows.
    """
    document = _new_document(data, locale)
    _title_page(document, data, locale)
    for index, workshop in enumerate(data.workshops):
        progress(0.1 + 0.8 * index / max(len(data.workshops), 1), workshop.title)
        _theme(document, data, workshop, locale)
    if needs is not None:
        _participation(document, data)
        write_needs(document, needs)
    _contents(document)
    progress(0.95, _("Dokument wird gespeichert"))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _new_document(data: EventData, locale: str):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    styles = document.styles
    styles["Normal"].font.size = Pt(11)
    _set_language(styles, WORD_LANGUAGES.get(locale, "de-DE"))
    for level, indent in ((1, 0), (2, 0.6)):
        style = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.paragraph_format.left_indent = Cm(indent)
        style.paragraph_format.space_after = Pt(2)
    properties = document.core_properties
    properties.title = plain(data.title)
    properties.subject = _("Dokumentation der Werkstattwoche")
    properties.language = WORD_LANGUAGES.get(locale, "de-DE")
    properties.author = "Querschnitt"
    properties.created = utcnow()
    _footer_page_numbers(section)
    return document


def _set_language(styles, tag: str) -> None:
    """Spelling and hyphenation in the document's language, set once for every style."""
    defaults = styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    lang.set(qn("w:val"), tag)


def _field_char(paragraph, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


def _field_start(paragraph, instruction: str) -> None:
    """Open a Word field (PAGE, TOC, ...); what follows until :func:`_field_char` "end" shows."""
    _field_char(paragraph, "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _field_char(paragraph, "separate")


def _field(paragraph, instruction: str, shown: str = "") -> None:
    """Append a Word field with the text shown until Word updates it."""
    _field_start(paragraph, instruction)
    paragraph.add_run(shown)
    _field_char(paragraph, "end")


def _footer_page_numbers(section) -> None:
    # No number on the title page.
    section.different_first_page_header_footer = True
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "1")


def date_range(days, locale: str) -> str:
    if not days:
        return ""
    first, last = days[0], days[-1]
    if first == last:
        return format_date(first, format="long", locale=locale)
    if locale == "de" and (first.year, first.month) == (last.year, last.month):
        # "4.–12. Oktober 2021"; Babel's interval formats abbreviate the month.
        return f"{first.day}.–{format_date(last, format='long', locale=locale)}"
    start = format_date(first, format="long", locale=locale)
    return f"{start} – {format_date(last, format='long', locale=locale)}"


def _title_page(document, data: EventData, locale: str) -> None:
    for _blank in range(4):
        document.add_paragraph()
    document.add_paragraph(plain(data.title), style="Title")
    document.add_paragraph(_("Dokumentation der Werkstattwoche"), style="Subtitle")
    when = date_range(data.days, locale)
    if when:
        document.add_paragraph(when)
    if data.one_of_several:
        document.add_paragraph(_("Workshop: %(title)s", title=plain(data.workshops[0].title)))
    if data.description:
        document.add_paragraph(plain(data.description))
    made = document.add_paragraph()
    made.paragraph_format.space_before = Pt(36)
    run = made.add_run(
        _("Stand: %(date)s", date=format_date(utcnow().date(), format="long", locale=locale))
    )
    run.font.color.rgb = GREY
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _contents(document) -> None:
    """The contents, made from the document's headings: a line for each that links to it.

    The lines are the shown text of a Word table of contents field, each an internal
    hyperlink to a bookmark on its heading, as Word writes them itself. No ``updateFields``
    in the settings: with it Word asks on opening whether to update the document's fields,
    which an office finds alarming. LibreOffice shows the same lines. Page numbers are left
    out rather than guessed; "Update field" in Word adds them.
    """
    headings = [p for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    if not headings:
        return
    # The first chapter starts a new page: what goes before it stays on the contents page.
    first = headings[0]
    first.insert_paragraph_before(_("Inhalt"), style="TOC Heading")
    for number, heading in enumerate(headings, start=1):
        anchor = f"_Toc{number:08d}"
        _bookmark(heading, number, anchor)
        entry = first.insert_paragraph_before(style=f"toc {heading.style.name[-1]}")
        if number == 1:
            _field_start(entry, 'TOC \\o "1-2" \\h \\z \\u')
        _internal_link(entry, anchor, heading.text)
    _field_char(entry, "end")


def _bookmark(paragraph, number: int, name: str) -> None:
    """Mark the whole paragraph as the bookmark ``name`` (an internal link's target)."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    properties = paragraph._p.pPr
    if properties is None:
        paragraph._p.insert(0, start)
    else:
        properties.addnext(start)
    paragraph._p.append(end)


def _internal_link(paragraph, anchor: str, text: str) -> None:
    """Append ``text`` as a link to the bookmark ``anchor`` of this document."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    shown = OxmlElement("w:t")
    shown.set(qn("xml:space"), "preserve")
    shown.text = text
    run.append(shown)
    link.append(run)
    paragraph._p.append(link)


def _meta_line(workshop: WorkshopData, locale: str) -> str:
    parts = []
    if workshop.day:
        parts.append(format_date(workshop.day, format="full", locale=locale))
    if workshop.starts_at and workshop.ends_at:
        parts.append(f"{workshop.starts_at:%H:%M}–{workshop.ends_at:%H:%M}")
    if workshop.room:
        parts.append(plain(workshop.room))
    return " · ".join(parts)


def _chapter(document, title: str) -> None:
    """A Heading 1 that starts a new page, as each theme does in a printed documentation."""
    document.add_heading(title, level=1).paragraph_format.page_break_before = True


def _theme(document, data: EventData, workshop: WorkshopData, locale: str) -> None:
    _chapter(document, plain(workshop.title))
    meta = _meta_line(workshop, locale)
    if meta:
        document.add_paragraph().add_run(meta).font.color.rgb = GREY
    if workshop.facilitators:
        names = ", ".join(plain(name) for name in workshop.facilitators)
        document.add_paragraph().add_run(
            _("Moderation: %(names)s", names=names)
        ).font.color.rgb = GREY
    if workshop.description:
        document.add_paragraph(plain(workshop.description))
    _lane(
        document,
        _("Probleme"),
        workshop.ranked(CardKind.PROBLEM),
        [_("Platz"), _("Problem"), _("Punkte"), _("Lösungen dazu")],
        empty=_("Auf dem Board stehen keine Probleme."),
        related=workshop.answers_to,
        arrow="→ ",
        related_dots=True,
    )
    _lane(
        document,
        _("Lösungen"),
        workshop.ranked(CardKind.SOLUTION),
        [_("Platz"), _("Lösung"), _("Punkte"), _("Antwortet auf")],
        empty=_("Auf dem Board stehen keine Lösungen."),
        related=lambda card: [p for p in [workshop.answered(card)] if p is not None],
        arrow="← ",
    )
    # Only a board that voted on needs has this lane.
    _lane(
        document,
        _("Abstimmung über die Bedarfe"),
        workshop.ranked(CardKind.NEED),
        [_("Platz"), _("Bedarf"), _("Punkte")],
    )

    document.add_heading(_("Beteiligung"), level=2)
    on_board = [card for card in workshop.cards if card.on_board]
    summary = document.add_paragraph(
        _(
            "Teilnehmende: %(members)s · Karten auf dem Board: %(cards)s · "
            "vergebene Punkte: %(dots)s",
            members=workshop.members,
            cards=len(on_board),
            dots=workshop.dots_given,
        )
    )
    # The sentence stays on the page of the table it introduces.
    summary.paragraph_format.keep_with_next = True
    _group_table(document, data, workshop.members_by_group)


def _lane(
    document,
    heading: str,
    cards: Sequence[CardData],
    headers: Sequence[str],
    *,
    empty: str | None = None,
    related: Callable[[CardData], Sequence[CardData]] | None = None,
    arrow: str = "",
    related_dots: bool = False,
) -> None:
    """A lane's heading and a table of its cards ranked by dots: place, card, dots.

    :param empty: the sentence under the heading when the lane has no card; without it an
        empty lane is left out, heading and all.
    :param related: the cards each card answers or is answered by, for a fourth column,
        each behind ``arrow`` and, with ``related_dots``, with its dots.
    """
    if not cards and empty is None:
        return
    document.add_heading(heading, level=2)
    if not cards:
        document.add_paragraph(empty)
        return
    table = _table(document, headers)
    for card in cards:
        cells = table.add_row().cells
        _rank_cell(cells[0], card)
        _card_text(cells[1].paragraphs[0], card)
        _number_cell(cells[2], card.dots)
        for i, other in enumerate(related(card) if related else ()):
            paragraph = cells[3].paragraphs[0] if i == 0 else cells[3].add_paragraph()
            _card_text(paragraph, other, prefix=arrow, dots=related_dots)
    _widths(table, (1.7, 7.0, 2.0, 5.3) if related else (1.7, 12.3, 2.0))


#: The header row's shading (the blue of Word's default headings) and its text colour.
HEADER_FILL = "2F5496"
WHITE = RGBColor(0xFF, 0xFF, 0xFF)


def _table(document, headers: Sequence[str]):
    """A table with thin lines around every cell and a shaded header row.

    A plain grid rather than one of Word's banded list styles: LibreOffice drew
    those with borders on some rows only, which looked broken in print.
    """
    table = document.add_table(rows=1, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.color.rgb = WHITE
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), HEADER_FILL)
        cell._tc.get_or_add_tcPr().append(shading)
    # The header row repeats on every page a long table runs over.
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    return table


def _widths(table, widths_cm: Sequence[float]) -> None:
    """Fixed column widths: the grid for LibreOffice, each cell's width for Word."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _rank_cell(cell, card: CardData) -> None:
    cell.paragraphs[0].add_run(f"{card.rank}.")


def _number_cell(cell, number: int) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run(str(number))


def _card_text(paragraph, card: CardData, *, prefix: str = "", dots: bool = False) -> None:
    """The card's text as plain runs (never markup), marked when it came from paper."""
    paragraph.add_run(prefix + plain(card.text))
    if card.paper:
        marker = paragraph.add_run(" " + _("(Papier)"))
        marker.italic = True
        marker.font.color.rgb = GREY
    if dots:
        paragraph.add_run(" " + _("(Punkte: %(n)s)", n=card.dots)).font.color.rgb = GREY


def _group_table(document, data: EventData, counts) -> None:
    rows = data.groups_in_order(counts)
    if not rows:
        return
    table = _table(document, [_("Gruppe"), _("Anzahl")])
    for label, count in rows:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(plain(label))
        _number_cell(cells[1], count)
    _widths(table, (9.0, 2.2))


def _participation(document, data: EventData) -> None:
    _chapter(document, _("Beteiligung in der Woche"))
    total = sum(data.participants_by_group.values())
    summary = document.add_paragraph(
        _(
            "%(n)s Personen haben an mindestens einem Workshop teilgenommen, nach der Gruppe, "
            "für die sie sprechen (nur Anzahlen, keine Namen):",
            n=total,
        )
    )
    summary.paragraph_format.keep_with_next = True
    _group_table(document, data, data.participants_by_group)


def write_needs(document, needs: Sequence[NeedView]) -> None:
    """The cross-cutting needs: an overview, then each with what makes it concrete and its origin.

    :param needs: the event's needs in the synthesis board's order; none yet is said so.
    """
    _chapter(document, _("Übergreifende Bedarfe"))
    if not needs:
        document.add_paragraph(_("Es wurden noch keine übergreifenden Bedarfe erfasst."))
        return
    document.add_paragraph(
        _(
            "Bedarfe, die in mehreren Workshops aufkamen, auf dem Synthese-Board aus den Karten "
            "der Woche zusammengeführt. Zu jedem Bedarf steht, was ihn konkret macht und woher "
            "er kommt: aus welchen Themen und Karten, mit wie vielen Punkten, von welchen Gruppen "
            "(nur Anzahlen)."
        )
    )
    _needs_overview(document, needs)
    for need in needs:
        _need(document, need)


def _needs_overview(document, needs: Sequence[NeedView]) -> None:
    voted = any(need.vote for need in needs)
    headers = [_("Bedarf"), _("Themen"), _("Karten"), _("Punkte"), _("Priorität")]
    # The number columns as wide as their bold headings, so that none breaks inside a word.
    widths = [7.2, 2.1, 2.0, 2.0, 2.7]
    if voted:
        headers.append(_("Abstimmung"))
        widths = [4.5, 2.1, 2.0, 2.0, 2.7, 2.7]
    table = _table(document, headers)
    for need in needs:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(plain(need.title))
        _number_cell(cells[1], len(need.themes))
        _number_cell(cells[2], len(need.sources))
        _number_cell(cells[3], need.dots)
        if need.priority is not None:
            _number_cell(cells[4], need.priority)
        if voted and need.vote is not None:
            _number_cell(cells[5], need.vote.dots)
    _widths(table, widths)
    note = document.add_paragraph()
    note.paragraph_format.space_before = Pt(4)
    run = note.add_run(
        _(
            "Punkte: die Punkte der Karten des Bedarfs in ihren Workshops. Priorität: von den "
            "Moderierenden vergeben, 1 bis 5."
        )
        + (" " + _("Abstimmung: Punkte, als der Bedarf zur Abstimmung stand.") if voted else "")
    )
    run.font.color.rgb = GREY
    run.font.size = Pt(9)


def _labelled(document, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label + ": ").bold = True
    paragraph.add_run(plain(value))


def _need(document, need: NeedView) -> None:
    document.add_heading(plain(need.title), level=2).paragraph_format.keep_with_next = True
    for label, value in (
        (_("Was gebraucht wird"), need.what),
        (_("Wer es tun könnte"), need.actors),
        (_("Erste Schritte"), need.first_steps),
    ):
        if value:
            _labelled(document, label, value)
    if need.priority is not None:
        _labelled(document, _("Priorität"), _("%(n)s (von 1 bis 5)", n=need.priority))
    if need.vote is not None:
        _labelled(
            document,
            _("Abstimmung"),
            _("%(dots)s Punkte (%(workshop)s)", dots=need.vote.dots, workshop=need.vote.workshop),
        )
    if need.goals:
        heading = document.add_paragraph()
        heading.add_run(_("Ziele (verknüpfte Lösungen)") + ":").bold = True
        heading.paragraph_format.keep_with_next = True
        for goal in need.goals:
            document.add_paragraph(
                _(
                    "%(text)s (%(workshop)s, Punkte: %(dots)s)",
                    text=plain(goal.text),
                    workshop=plain(goal.workshop),
                    dots=goal.dots,
                ),
                style="List Bullet",
            )
    if not need.sources:
        document.add_paragraph(_("Diesem Bedarf ist keine Karte eines Boards zugeordnet."))
        return
    origin = document.add_paragraph()
    origin.add_run(_("Woher der Bedarf kommt") + ": ").bold = True
    origin.add_run(
        _(
            "Themen: %(themes)s (%(names)s) · Karten: %(cards)s · Punkte: %(dots)s.",
            themes=len(need.themes),
            names=", ".join(plain(theme) for theme in need.themes),
            cards=len(need.sources),
            dots=need.dots,
        )
    )
    if need.groups:
        origin.add_run(
            " "
            + _(
                "Karten nach Gruppe: %(groups)s.",
                groups=", ".join(f"{plain(label)} {count}" for label, count in need.groups),
            )
        )
    origin.paragraph_format.keep_with_next = True
    table = _table(document, [_("Thema"), _("Art"), _("Karte"), _("Punkte")])
    for source in need.sources:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(plain(source.workshop))
        cells[1].paragraphs[0].add_run(kind_label(source.kind))
        cells[2].paragraphs[0].add_run(plain(source.text))
        _number_cell(cells[3], source.dots)
    _widths(table, (4.8, 2.0, 7.2, 2.0))
