"""The poster as a PDF made on the server: one A4 page, the short code, organizers only."""

import re
import shutil
import subprocess

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
