"""Results out: Word, Excel, CSV and the complete JSON export, each a plain function a job can call.

Every ``build_…`` function takes the event's id, reads one consistent snapshot
of it (also while a workshop is running) and returns the file as bytes;
``progress(fraction, message)`` is called along the way.
"""

from app.services.exports.cards_csv import build_csv
from app.services.exports.complete import ImportRefused, ImportResult, build_json, import_json
from app.services.exports.excel import build_xlsx
from app.services.exports.word import build_docx

__all__ = [
    "ImportRefused",
    "ImportResult",
    "build_csv",
    "build_docx",
    "build_json",
    "build_xlsx",
    "import_json",
]
