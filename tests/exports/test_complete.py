"""The complete export, a zip of JSON with the schema revision: import, export again: equal."""

import io
import json
import zipfile

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import Card, Event, FacilitatorAccess, Participant, Workshop
from app.services.access import hash_token
from app.services.exports import ImportRefused, build_json, import_json
from app.services.exports.complete import schema_revision
from app.services.retention import purge_event
from tests.conftest import database_urls
from tests.exports.conftest import FORMULA, NAMES, UMLAUTS


def _files(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}


def _comparable(data: bytes) -> dict:
    files = _files(data)
    files["manifest.json"].pop("exported_at")
    return files


def _with_manifest(data: bytes, **changes) -> bytes:
    files = _files(data)
    files["manifest.json"].update(changes)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, json.dumps(content))
    return out.getvalue()


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_export_import_into_a_fresh_database_export_again_is_equal(app, week):
    with app.app_context():
        first = build_json(week.event_id, pseudonymise=False)
        db.drop_all()
        db.create_all()
        result = import_json(first)
        second = build_json(result.event_id, pseudonymise=False)
        # Card and participant ids are kept.
        assert db.session.get(Card, week.cards["umlauts"]).text == UMLAUTS
        assert db.session.scalar(select(Participant.id).filter_by(display_name=NAMES[0]))
    assert _comparable(first) == _comparable(second)
    tables = _files(first)
    assert tables["db/card.json"]["count"] == len(week.cards)
    assert tables["db/vote.json"]["count"] == 6
    assert tables["manifest.json"]["tables"]["moderation_entry"] == 1


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_import_beside_other_events_renumbers_and_keeps_the_merge_undoable(app, week):
    with app.app_context():
        first = build_json(week.event_id, pseudonymise=False)
        purge_event(week.event_id)
        result = import_json(first)
        assert result.event_id != week.event_id
        second = build_json(result.event_id, pseudonymise=False)
        from app.models import ModerationEntry, Vote

        entry = db.session.scalar(
            select(ModerationEntry).join(Workshop).filter(Workshop.event_id == result.event_id)
        )
        moved = db.session.get(Vote, entry.details["votes_moved"][0]["vote"])
        assert moved.card_id == week.cards["solution"] and moved.dots == 2
        assert db.session.scalar(select(Event.id).filter_by(slug="andere-woche"))
    assert _comparable(first) == _comparable(second)


def test_import_makes_new_secrets_and_facilitator_links(app, week):
    with app.app_context():
        old = {
            w.id: (w.join_token, w.short_code, w.projector_token)
            for w in db.session.scalars(select(Workshop).filter_by(event_id=week.event_id))
        }
        data = build_json(week.event_id)
        purge_event(week.event_id)
        result = import_json(data)
        assert [(a.name, a.pin is not None) for a in result.accesses] == [
            ("Aylin (Moderation)", True)
        ]
        access = db.session.scalar(
            select(FacilitatorAccess).filter_by(token_hash=hash_token(result.accesses[0].token))
        )
        assert access.active and check_password_hash(access.pin_hash, result.accesses[0].pin)
        new = db.session.scalars(select(Workshop).filter_by(event_id=result.event_id)).all()
        for workshop in new:
            assert (workshop.join_token, workshop.short_code, workshop.projector_token) not in (
                old.values()
            )
    raw = data.decode("latin-1")
    for join_token, _code, projector_token in old.values():
        assert join_token not in raw and projector_token not in raw
    manifest = _files(data)["manifest.json"]
    assert "short_code" in manifest["not_exported"]["workshop"]
    assert "import makes new ones" in manifest["secrets"]
    assert "token_hash" not in raw and "scrypt:fake" not in raw


def test_pseudonymised_by_default(app, week):
    with app.app_context():
        data = build_json(week.event_id)
    files = _files(data)
    text = json.dumps(files, ensure_ascii=False)
    for name in NAMES:
        assert name not in text
    names = [p["display_name"] for p in files["db/participant.json"]["results"]]
    assert sorted(names) == ["", "Teilnehmende 1", "Teilnehmende 2"]
    assert files["manifest.json"]["pseudonymised"] is True
    assert FORMULA in text and UMLAUTS in text


def test_manifest_names_revision_and_version(app, week):
    with app.app_context():
        manifest = _files(build_json(week.event_id))["manifest.json"]
        assert manifest["schema_revision"] == schema_revision()
    assert manifest["app_version"] and manifest["event"] == "werkstatt-2021"


def test_import_refuses_another_schema_revision(app, week):
    with app.app_context():
        data = _with_manifest(build_json(week.event_id), schema_revision="0000deadbeef")
        purge_event(week.event_id)
        with pytest.raises(ImportRefused, match="0000deadbeef"):
            import_json(data)
        assert db.session.scalar(select(Event.id).filter_by(slug=week.slug)) is None


def test_import_refuses_an_existing_event_and_what_is_no_export(app, week):
    with app.app_context():
        data = build_json(week.event_id)
        with pytest.raises(ImportRefused, match="werkstatt-2021"):
            import_json(data)
        with pytest.raises(ImportRefused, match="keine vollständige Export-Datei"):
            import_json(b"not a zip")


def test_cli_export_and_import(app, week, runner, tmp_path):
    out = tmp_path / "woche.zip"
    result = runner.invoke(
        args=["export", week.slug, "--format", "json", "--out", str(out), "--with-names"]
    )
    assert result.exit_code == 0, result.output
    assert "mit Namen" in result.output
    refused = runner.invoke(args=["import", str(out)])
    assert refused.exit_code == 1 and "gibt es hier schon" in refused.output
    assert runner.invoke(args=["purge-event", week.slug, "--yes"]).exit_code == 0
    imported = runner.invoke(args=["import", str(out)])
    assert imported.exit_code == 0, imported.output
    assert "werkstatt-2021: importiert" in imported.output
    assert "/f/" in imported.output and "PIN " in imported.output
    for fmt in ("docx", "xlsx", "csv"):
        target = tmp_path / f"woche.{fmt}"
        done = runner.invoke(
            args=["export", week.slug, "--format", fmt, "--out", str(target), "--locale", "en"]
        )
        assert done.exit_code == 0, done.output
        assert target.stat().st_size > 0


@pytest.mark.parametrize("database_url", database_urls(), indirect=True)
def test_the_cross_cutting_needs_go_out_and_come_back(app, week):
    from app.models import Event
    from app.services.needs import create_need, event_needs, update_need

    with app.app_context():
        event = db.session.get(Event, week.event_id)
        need = create_need(event, "Vernetzung", [week.cards["umlauts"]]).needs[0]
        update_need(
            event,
            need.id,
            what="Ein Netzwerktreffen",
            actors="Stadt",
            first_steps="Einladen",
            priority=2,
            version=need.version,
        )
        first = build_json(week.event_id, pseudonymise=False)
        db.drop_all()
        db.create_all()
        result = import_json(first)
        [back] = event_needs(result.event_id)
        assert back.title == "Vernetzung" and back.what == "Ein Netzwerktreffen"
        assert [link.card_id for link in back.links] == [week.cards["umlauts"]]
        second = build_json(result.event_id, pseudonymise=False)
    assert _comparable(first) == _comparable(second)
    assert _files(first)["db/need_card.json"]["count"] == 1


def test_a_week_whose_cards_were_embedded_exports_without_the_vectors(app, week):
    """Cards are embedded when posted; the stored vectors are a cache, not part of the export."""
    from app.models.synthesis import CardVector

    with app.app_context():
        db.session.add(
            CardVector(
                card_id=week.cards["umlauts"], encoder="e5", vector=b"\x00\x01" * 8, text_hash="x"
            )
        )
        db.session.commit()
        data = build_json(week.event_id, pseudonymise=False)
        db.drop_all()
        db.create_all()
        result = import_json(data)
        assert db.session.get(Card, week.cards["umlauts"]).text == UMLAUTS
        assert result.event_id
    assert "db/card_vector.json" not in _files(data)
