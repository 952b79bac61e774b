"""All cards of an event as CSV that German Excel opens right: UTF-8 with BOM, ``;``, CRLF."""

import csv
import io

from flask_babel import force_locale
from flask_babel import gettext as _

from app.services.exports.data import (
    Progress,
    consistent_read,
    kind_label,
    no_progress,
    read_event,
    status_label,
)
from app.services.exports.excel import local_zone
from app.services.exports.safe import csv_cell

#: Date and time as German Excel reads them into a date cell (the venue's clock, like the XLSX).
CSV_TIME = "%Y-%m-%d %H:%M"


def build_csv(
    event_id: int,
    *,
    workshop_id: int | None = None,
    locale: str = "de",
    pseudonymise: bool = True,
    progress: Progress | None = None,
) -> bytes:
    """Return one row per card of the event (every status), oldest first within each workshop.

    Dots count phones and paper; a formula-like text gets an apostrophe in front.

    :param pseudonymise: without names (the default); False adds the names participants gave.
    """
    progress = progress or no_progress
    with force_locale(locale):
        progress(0.0, _("Daten werden gelesen"))
        with consistent_read():
            data = read_event(event_id, workshop_id=workshop_id, locale=locale)
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
        zone = local_zone()
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
                    csv_cell(data.group_label(card.group_key)) if card.author_id else "",
                    card.created_at.astimezone(zone).strftime(CSV_TIME),
                    status_label(card.status),
                ]
                if not pseudonymise:
                    row.append(csv_cell(card.author_name))
                writer.writerow(row)
        progress(1.0, _("Fertig"))
        return ("\ufeff" + out.getvalue()).encode("utf-8")
