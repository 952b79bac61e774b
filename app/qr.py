"""QR codes, drawn by the server as SVG."""

import io

import qrcode
import qrcode.image.svg


def qr_svg(data: str) -> bytes:
    """Return an SVG QR code for the text, with a quiet zone, black on white."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathFillImage,
    )
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()
