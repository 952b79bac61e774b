"""All cards of an event as CSV that German Excel opens right: UTF-8 with BOM, ``;``, CRLF."""

import csv
import io

from flask_babel import gettext as _

from app.services.exports.data import (
    EventData,
    Progress,
    file_export,
    kind_label,
    status_label,
    venue_time,
)
from app.services.exports.safe import csv_cell

#: Date and time as German Excel reads them into a date cell (the venue's clock, like the XLSX).
CSV_TIME = "%Y-%m-%d %H:%M"


@file_export(with_needs=False)
def build_csv(
    data: EventData,
    needs: None,
    *,
    locale: str,
    pseudonymise: bool,
    progress: Progress,
) -> bytes:
    """Return one row per card of the event (every status), oldest first within each workshop.

    Dots count phones and paper; a formula-like text gets an apostrophe in front.

    :param pseudonymise: without names (the default); False adds the names participants gave.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    header = [
        _("Workshop"),
        _("Art"),
        _("Text"),
        _("Antwortet auf"),
        _("Punkte"),
        _("Papier"),
        _("Gruppe"),
        _("Erstellt am"),
        _("Status"),
    ]
    if not pseudonymise:
        header.append(_("Name"))
    writer.writerow(header)
    yes, no = _("ja"), _("nein")
    for workshop in data.workshops:
        texts = {card.id: card.text for card in workshop.cards}
        for card in workshop.cards:
            row = [
                csv_cell(workshop.title),
                kind_label(card.kind),
                csv_cell(card.text),
                csv_cell(texts.get(card.answers_id, "")),
                card.dots,
                yes if card.paper else no,
                csv_cell(data.author_group(card)),
                venue_time(card.created_at).strftime(CSV_TIME),
                status_label(card.status),
            ]
            if not pseudonymise:
                row.append(csv_cell(card.author_name))
            writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
