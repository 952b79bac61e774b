"""Loading a workshop week from a file."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Event, Workshop
from app.services.tokens import SHORT_CODE_ALPHABET
from app.services.weeks import WeekFileError, load_week


def test_the_shipped_demo_week_loads_and_loading_it_again_changes_nothing(app):
    demo = app.config["DEMO_WEEK"]
    with app.app_context():
        result = load_week(demo)
        assert result.created == len(result.event.workshops) > 0
        for workshop in result.event.workshops:
            assert workshop.title and workshop.day and workshop.starts_at < workshop.ends_at
        assert result.event.stakeholder_groups
        again = load_week(demo)
        assert (again.created, again.updated) == (0, 0)
        assert db.session.scalar(select(func.count(Event.id))) == 2


def test_loading_twice_changes_nothing(app, week_file):
    with app.app_context():
        before = {
            w.slug: (w.join_token, w.short_code, w.facilitator_token)
            for w in db.session.scalars(select(Workshop))
        }
        result = load_week(week_file)
        assert (result.created, result.updated) == (0, 0)
        after = {
            w.slug: (w.join_token, w.short_code, w.facilitator_token)
            for w in db.session.scalars(select(Workshop))
        }
        assert after == before
        assert db.session.scalar(select(func.count(Event.id))) == 1


def test_edited_file_updates_workshops_and_keeps_their_links(app, week_file):
    with app.app_context():
        token = db.session.scalar(select(Workshop.join_token).filter_by(slug="vielfalt"))
        week_file.write_text(
            week_file.read_text().replace('title = "Vielfalt"', 'title = "Vielfalt!"')
        )
        result = load_week(week_file)
        assert result.updated == 1
        workshop = db.session.scalar(select(Workshop).filter_by(slug="vielfalt"))
        assert workshop.title == "Vielfalt!"
        assert workshop.join_token == token


def test_tokens_are_long_and_codes_unambiguous(app):
    with app.app_context():
        for workshop in db.session.scalars(select(Workshop)):
            assert len(workshop.join_token) >= 43  # 256 bits in URL-safe base64
            assert len(workshop.short_code) == 6
            assert set(workshop.short_code) <= set(SHORT_CODE_ALPHABET)
            assert not set("01OIL") & set(workshop.short_code)


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda s: s.replace('title = "Testwoche"\n', ""), "event.title", "fehlt"),
        (
            lambda s: s.replace("dot_budget = 5", 'dot_budget = "viele"'),
            "workshops[0].dot_budget",
            "ganze Zahl",
        ),
        (
            lambda s: s.replace('start = "09:00"', 'start = "9 Uhr"'),
            "workshops[0].start",
            "Uhrzeit",
        ),
        (
            lambda s: s.replace('slug = "antisemitismus"', 'slug = "vielfalt"'),
            "workshops[1].slug",
            "doppelt",
        ),
        (
            lambda s: s.replace("max_dots_per_card = 3", "max_dots_per_card = 9"),
            "workshops[0].max_dots_per_card",
            "dot_budget",
        ),
        (
            lambda s: s + "\n[[workshops]]\ntitle = 'ohne slug'\n",
            "workshops[{added}].slug",
            "fehlt",
        ),
        (lambda s: s.replace("[event]", "[event\n"), "kein gültiges TOML", ""),
        # The rules of the set-up forms hold for the file too.
        (
            lambda s: s.replace('end = "16:00"', 'end = "08:30"'),
            "workshops[0].end",
            "Ende muss nach dem Beginn",
        ),
        (
            lambda s: s.replace('title = "Nachbarschaft"', 'title = "vielfalt"'),
            "workshops[2].title",
            "hat schon workshops[0]",
        ),
        (
            lambda s: s.replace('title = "Nachbarschaft"', 'title = "Nach\\u202ebarschaft"'),
            "workshops[2].title",
            "Steuerzeichen",
        ),
        (
            lambda s: s.replace('title = "Nachbarschaft"', 'title = "\\u200b"'),
            "workshops[2].title",
            "kein sichtbares Zeichen",
        ),
        (
            lambda s: s + '\n[[stakeholder_groups]]\nkey = "freie träger"\nlabel = "Freie"\n',
            "stakeholder_groups[{groups}].key",
            "nur a-z",
        ),
        (
            lambda s: s.replace(
                'title = "Antisemitismus"',
                'title = "Antisemitismus"\nfacilitators = ["' + "A" * 501 + '"]',
            ),
            "workshops[1].facilitators",
            "500 Zeichen",
        ),
        (
            lambda s: s.replace("dot_budget = 3", "dot_budget = 51"),
            "workshops[1].dot_budget",
            "1 bis 50",
        ),
        (
            lambda s: s.replace('title = "Testwoche"', 'title = "Testwoche"\nretention_days = 0'),
            "event.retention_days",
            "1 bis 3650",
        ),
        (
            lambda s: s.replace("dot_budget = 3", 'dot_budget = 3\nblind_collect = "ja"'),
            "workshops[1].blind_collect",
            "true oder false",
        ),
    ],
)
def test_malformed_file_names_file_field_and_problem_and_loads_nothing(
    app, tmp_path, week_file, change, field, problem
):
    bad = tmp_path / "kaputt.toml"
    bad.write_text(change(week_file.read_text().replace("testwoche", "andere")), encoding="utf-8")
    # A workshop added at the end has the next index after the test week's own.
    text = week_file.read_text()
    field = field.format(
        added=text.count("[[workshops]]"), groups=text.count("[[stakeholder_groups]]")
    )
    with app.app_context():
        with pytest.raises(WeekFileError) as info:
            load_week(bad)
        message = str(info.value)
        assert str(bad) in message
        assert field in message
        assert problem in message
        assert db.session.scalar(select(Event).filter_by(slug="andere")) is None


def test_a_title_an_unnamed_workshop_of_the_week_has_is_refused_and_nothing_changes(
    app, tmp_path, week_file
):
    # The file no longer names "schule", and gives its title to another workshop.
    text = week_file.read_text()
    text = text.replace('[[workshops]]\nslug = "schule"\ntitle = "Schule und Bildung"\n', "")
    text = text.replace('title = "Nachbarschaft"', 'title = "Schule und Bildung"')
    bad = tmp_path / "umbenannt.toml"
    bad.write_text(text, encoding="utf-8")
    with app.app_context():
        with pytest.raises(WeekFileError) as info:
            load_week(bad)
        message = str(info.value)
        assert str(bad) in message and "workshops[" in message and "'schule'" in message
        titles = set(db.session.scalars(select(Workshop.title)))
        assert "Nachbarschaft" in titles and "Schule und Bildung" in titles


def test_load_week_command(runner, week_file, tmp_path):
    result = runner.invoke(args=["load-week", str(week_file)])
    assert result.exit_code == 0, result.output
    assert "0 neu" in result.output
    missing = runner.invoke(args=["load-week", str(tmp_path / "fehlt.toml")])
    assert missing.exit_code != 0
    assert "fehlt.toml" in missing.output


def test_facilitator_links_issue_missing_prints_a_link_per_workshop_once(runner, actions):
    result = runner.invoke(args=["facilitator-links", "--issue-missing"])
    assert result.exit_code == 0, result.output
    workshop = actions.workshop()
    assert re.search(rf"^{workshop.short_code}  Vielfalt\n    http\S+/f/\S+$", result.output, re.M)
    with runner.app.app_context():
        from app.models import Workshop

        count = db.session.scalar(db.select(db.func.count(Workshop.id)))
    assert result.output.count("/f/") == count
    again = runner.invoke(args=["facilitator-links", "--issue-missing"])
    assert again.exit_code == 0 and "/f/" not in again.output


def test_run_loads_the_week_file_before_serving_and_again_changes_nothing(
    tmp_path, week_file, monkeypatch
):
    from app import cli, create_app

    served = []
    monkeypatch.setattr(cli, "serve", lambda app, host, port: served.append(port))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'run.db'}"})
    runner = app.test_cli_runner()
    workshops = week_file.read_text().count("[[workshops]]")
    # The first start issues a facilitator link per workshop and prints it, once.
    for loaded, links in ((f"{workshops} neu", workshops), ("0 neu, 0 geändert", 0)):
        result = runner.invoke(args=["run", "--week", str(week_file), "--port", "5999"])
        assert result.exit_code == 0, result.output
        assert f"Testwoche: {workshops} Workshops ({loaded}" in result.output
        assert result.output.count("Moderation ") == links
    assert served == [5999, 5999]
    with app.app_context():
        db.engine.dispose()


def test_options_and_retention_a_file_leaves_out_stay_as_set_in_the_browser(app, week_file):
    with app.app_context():
        event = db.session.scalar(select(Event).filter_by(slug="testwoche"))
        event.retention_days = 30
        event.workshops[0].premoderation = True
        db.session.commit()
        load_week(week_file)
        assert (event.retention_days, event.workshops[0].premoderation) == (30, True)
        week_file.write_text(
            week_file.read_text()
            .replace('title = "Testwoche"', 'title = "Testwoche"\nretention_days = 90')
            .replace('title = "Vielfalt"', 'title = "Vielfalt"\npremoderation = false'),
            encoding="utf-8",
        )
        load_week(week_file)
        assert (event.retention_days, event.workshops[0].premoderation) == (90, False)
