"""Results out: Word, Excel, CSV and the complete JSON export, each a plain function a job can call.

Every ``build_…`` function takes the event's id, reads one consistent snapshot
of it (also while a workshop is running) and returns the file as bytes;
``progress(fraction, message)`` is called along the way.

The builders are imported on first use: python-docx and openpyxl cost the
server a noticeable start-up and memory, and the purge only needs ``scope``.
"""

import importlib

#: Where each public name lives.
_HOMES = {
    "build_csv": "cards_csv",
    "build_docx": "word",
    "build_xlsx": "excel",
    "build_json": "complete",
    "import_json": "complete",
    "ImportRefused": "complete",
    "ImportResult": "complete",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
