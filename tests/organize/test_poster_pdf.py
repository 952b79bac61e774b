"""The poster as a PDF made on the server: one A4 page, the short code, organizers only."""

import re
import shutil
import subprocess

from app.extensions import db
from app.services.poster_pdf import qr_matrix


def _pages(pdf: bytes) -> int:
    """Page objects counted in the raw file, without a PDF library (not the /Pages tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_the_poster_pdf_is_one_a4_page_with_the_code(office, actions, tmp_path):
    workshop = actions.workshop()
    response = office.get(f"/organisation/w/{workshop.short_code}/plakat.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF-") and _pages(pdf) == 1
    # A4 portrait in points.
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.28 841\.89", pdf)
    if shutil.which("pdftotext"):
        path = tmp_path / "plakat.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert workshop.short_code in text and "Vielfalt" in text
        assert "http://testserver.local/join" in text and "Mach mit – mit deinem Handy:" in text
        # Not everyone has a smartphone: the poster says what they can do instead.
        assert "Kein Handy? Schreib auf Papier" in " ".join(text.split())


def test_the_poster_page_links_to_its_pdf(office, actions):
    code = actions.workshop().short_code
    page = office.get(f"/organisation/w/{code}/plakat").get_data(as_text=True)
    assert f"/organisation/w/{code}/plakat.pdf" in page


def test_an_unknown_workshop_has_no_pdf(office):
    assert office.get("/organisation/w/ZZZZZZ/plakat.pdf").status_code == 404


def test_no_one_but_an_organizer_gets_the_pdf(actions, client):
    code = actions.workshop().short_code
    response = client.get(f"/organisation/w/{code}/plakat.pdf")
    assert response.status_code == 302 and "/organisation/login" in response.headers["Location"]
    phone = actions.phone()
    actions.join(phone)
    assert phone.get(f"/organisation/w/{code}/plakat.pdf").status_code == 302


def test_the_qr_matrix_is_square_with_a_quiet_zone():
    matrix = qr_matrix("http://192.168.1.20:5000/j/abc")
    assert len(matrix) == len(matrix[0]) >= 21 + 8
    assert not any(matrix[0]) and not any(row[0] for row in matrix)


def test_the_poster_pdf_speaks_english_when_chosen(office, actions, tmp_path):
    if not shutil.which("pdftotext"):
        return
    code = actions.workshop().short_code
    headers = {"Accept-Language": "en"}
    pdf = office.get(f"/organisation/w/{code}/plakat.pdf", headers=headers).get_data()
    path = tmp_path / "poster.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Scan the QR code or type the address:" in text and "Uhr" not in text


def _issue(office, code, name="Aylin Öztürk", pin=True):
    data = {"name": name, **({"pin": "y"} if pin else {})}
    page = office.post(f"/organisation/w/{code}/zugaenge", data=data).get_data(as_text=True)
    link = page[page.index('id="access-link">') + len('id="access-link">') :].split("<")[0]
    pin_text = None
    if pin:
        pin_text = page[page.index('id="access-pin">') + len('id="access-pin">') :].split("<")[0]
    action = re.search(r'action="(/organisation/w/[^"]+/blatt\.pdf)"', page).group(1)
    return link, pin_text, action


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "blatt.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_access_sheet_comes_as_a_one_page_pdf_with_link_and_pin(office, actions, tmp_path):
    workshop = actions.workshop()
    link, pin, action = _issue(office, workshop.short_code)
    token = link.rsplit("/", 1)[1]
    response = office.post(action, data={"token": token, "pin": pin})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF-") and _pages(pdf) == 1
    assert re.search(rb"/MediaBox\s*\[\s*0 0 595\.28 841\.89", pdf)
    if shutil.which("pdftotext"):
        text = _text(pdf, tmp_path)
        assert "Aylin Öztürk" in text and "Vielfalt" in text
        assert token in text.replace("\n", "") and pin in text
        assert workshop.short_code in text


def test_the_access_sheet_pdf_without_pin_has_no_pin_line(office, actions, tmp_path):
    workshop = actions.workshop()
    link, _pin, action = _issue(office, workshop.short_code, name="Ben", pin=False)
    response = office.post(action, data={"token": link.rsplit("/", 1)[1], "pin": ""})
    assert response.status_code == 200
    if shutil.which("pdftotext"):
        assert "PIN eingeben" not in _text(response.get_data(), tmp_path)


def test_the_access_sheet_pdf_needs_the_right_secret_and_an_active_access(office, actions, app):
    code = actions.workshop().short_code
    link, pin, action = _issue(office, code)
    token = link.rsplit("/", 1)[1]
    assert office.post(action, data={"token": "x" * 43, "pin": pin}).status_code == 400
    wrong_pin = "1" * 6 if pin != "1" * 6 else "2" * 6
    assert office.post(action, data={"token": token, "pin": wrong_pin}).status_code == 400
    access_id = int(action.split("/")[-2])
    office.post(f"/organisation/w/{code}/zugaenge/{access_id}/entziehen")
    assert office.post(action, data={"token": token, "pin": pin}).status_code == 410
    # Someone else's access of another workshop is not found under this one.
    other = actions.workshop("antisemitismus").short_code
    assert office.post(f"/organisation/w/{other}/zugaenge/{access_id}/blatt.pdf").status_code == 404


def test_no_one_but_an_organizer_gets_an_access_sheet(office, actions):
    code = actions.workshop().short_code
    link, pin, action = _issue(office, code)
    laptop = actions.facilitator()
    assert (
        laptop.post(action, data={"token": link.rsplit("/", 1)[1], "pin": pin}).status_code == 403
    )


def _hidden(page: str, name: str) -> list[str]:
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)


def test_the_weeks_access_sheets_issue_one_access_per_workshop_and_print_as_one_pdf(
    office, actions, app, tmp_path
):
    from app.models import FacilitatorAccess, Workshop

    listing = office.get("/organisation/e/testwoche/zugaenge")
    assert listing.status_code == 200
    with app.app_context():
        workshops = db.session.scalars(db.select(Workshop)).all()
        before = db.session.query(FacilitatorAccess).count()
    response = office.post(
        "/organisation/e/testwoche/zugaenge", data={"name": "Team Süd", "pin": "y"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert page.count('class="poster access-sheet"') == len(workshops)
    ids, tokens, pins = _hidden(page, "access"), _hidden(page, "token"), _hidden(page, "pin")
    assert len(ids) == len(tokens) == len(pins) == len(workshops)
    assert all(re.fullmatch(r"\d{6}", pin) for pin in pins)
    with app.app_context():
        assert db.session.query(FacilitatorAccess).count() == before + len(workshops)
        names = {a.name for a in db.session.query(FacilitatorAccess).filter_by(name="Team Süd")}
        assert names == {"Team Süd"}
    data = {"access": ids, "token": tokens, "pin": pins}
    pdf = office.post("/organisation/e/testwoche/zugaenge.pdf", data=data)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert _pages(pdf.get_data()) == len(workshops)
    if shutil.which("pdftotext"):
        text = _text(pdf.get_data(), tmp_path).replace("\n", "")
        assert all(token in text for token in tokens) and "Team Süd" in text
    # A wrong secret for one of them gets no sheet at all.
    bad = {**data, "token": ["x" * 43] + tokens[1:]}
    assert office.post("/organisation/e/testwoche/zugaenge.pdf", data=bad).status_code == 400


def test_the_weeks_access_sheets_refuse_a_missing_name_and_issue_nothing(office, app):
    from app.models import FacilitatorAccess

    with app.app_context():
        before = db.session.query(FacilitatorAccess).count()
    response = office.post("/organisation/e/testwoche/zugaenge", data={"name": "  "})
    assert response.status_code == 400
    assert "Bitte gib einen Namen ein." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(FacilitatorAccess).count() == before


def test_only_organizers_reach_the_weeks_access_sheets(actions, client):
    phone = actions.phone()
    actions.join(phone)
    for browser in (client, phone, actions.facilitator()):
        assert browser.get("/organisation/e/testwoche/zugaenge").status_code in (302, 403)
        response = browser.post("/organisation/e/testwoche/zugaenge", data={"name": "X"})
        assert response.status_code in (302, 400, 403)
    with client.application.app_context():
        from app.models import FacilitatorAccess

        assert db.session.query(FacilitatorAccess).filter_by(name="X").count() == 0
