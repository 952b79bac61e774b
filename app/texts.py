"""TEMPORARY stub; replaced by the client branch."""
from flask import current_app

from app.fields import CARD_TEXT_MAX


def board_texts():
    return {}


def projector_texts():
    return {}


def console_texts():
    return {}


def limits(config=None):
    config = config or current_app.config
    return {"card_text": CARD_TEXT_MAX, "name": 60, "message_bytes": config["MAX_MESSAGE_BYTES"]}
