"""Participants' socket commands; each validates with the HTTP form and calls one service."""

from flask import current_app, request

from app import realtime
from app.participant.forms import CardRefForm, EditCardForm, PostCardForm
from app.services import board, voting
from app.sockets import command
from app.validation import form_from_payload


def _card(card) -> dict:
    return {"card": board.card_payload(card, current_app.config["SECRET_KEY"])}


@command("post_card")
def post_card(conn, workshop, participant, payload):
    """Post a card; a resend of the same id is acknowledged without a second card."""
    form = form_from_payload(PostCardForm, payload)
    card, created = board.post_card(workshop, participant, **form.card_values())
    if created:
        realtime.card_posted(card)
    return _card(card)


@command("edit_card")
def edit_card(conn, workshop, participant, payload):
    """Change the text of one's own card."""
    form = form_from_payload(EditCardForm, payload)
    card = board.edit_card(workshop, participant, **form.card_values())
    realtime.card_edited(card)
    return _card(card)


@command("withdraw_card")
def withdraw_card(conn, workshop, participant, payload):
    """Take one's own card off the board."""
    form = form_from_payload(CardRefForm, payload)
    card = board.withdraw_card(workshop, participant, card_id=form.id.data)
    realtime.card_withdrawn(card)
    return {"id": card.id}


@command("cast_vote")
def cast_vote(conn, workshop, participant, payload):
    """Put a dot on a card."""
    form = form_from_payload(CardRefForm, payload)
    change = voting.cast_vote(workshop, participant, card_id=form.id.data).as_payload()
    realtime.dots_changed(participant.id, workshop.id, change, skip_sid=request.sid)
    return change


@command("take_back_vote")
def take_back_vote(conn, workshop, participant, payload):
    """Take a dot back from a card."""
    form = form_from_payload(CardRefForm, payload)
    change = voting.take_back_vote(workshop, participant, card_id=form.id.data).as_payload()
    realtime.dots_changed(participant.id, workshop.id, change, skip_sid=request.sid)
    return change
