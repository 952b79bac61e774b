"""The suggestion jobs: they run in the job worker (``app.jobs``), never in a command.

``embed_cards`` stores a vector per card for per-card encoders, so each text is
encoded once; ``suggest`` loads them (computing what is missing first) and groups
or ranks the event's cards.
"""

import hashlib
from collections.abc import Callable

import numpy as np
from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Card, CardKind, CardVector, DismissedSuggestion, Need, Workshop
from app.services.needs import suggestion_key
from app.synthesis.encoders import (
    DEFAULT_BLEND_WEIGHT,
    DEFAULT_ENCODER,
    BlendEncoder,
    Encoder,
    make_encoder,
)
from app.synthesis.suggest import UNASSIGNED, cluster, rank_for_need, remove_theme

#: Cards encoded per step, between progress reports and commits.
BATCH = 32
#: How many cards a ranking for a need returns.
RANKED = 50


def text_hash(text: str) -> str:
    """The fingerprint of a card's text that tells a stored vector is stale."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _encoder(name: str | None, blend_weight: float | None) -> Encoder:
    config = current_app.config
    return make_encoder(
        name or config.get("SYNTHESIS_ENCODER", DEFAULT_ENCODER),
        float(
            blend_weight
            if blend_weight is not None
            else config.get("SYNTHESIS_BLEND_WEIGHT", DEFAULT_BLEND_WEIGHT)
        ),
        threads=1,
    )


def _stored_part(encoder: Encoder) -> Encoder | None:
    """The part of an encoder whose vectors are stored per card, if any."""
    if encoder.per_card:
        return encoder
    if isinstance(encoder, BlendEncoder) and encoder.first.per_card:
        return encoder.first
    return None


def _board_cards(event_id: int) -> list[tuple[str, int, str, str]]:
    """(id, workshop, kind, text) of every card on a board of the event, in a fixed order."""
    return [
        (card_id, workshop, str(kind), text)
        for card_id, workshop, kind, text in db.session.execute(
            select(Card.id, Card.workshop_id, Card.kind, Card.text)
            .join(Workshop, Workshop.id == Card.workshop_id)
            .where(Workshop.event_id == event_id, Card.on_board, Card.kind != CardKind.NEED)
            .order_by(Card.id)
        )
    ]


def _noop(fraction: float, message: str = "") -> None:
    pass


def embed_cards(
    progress: Callable = _noop,
    event_id: int = 0,
    encoder: str | None = None,
    blend_weight: float | None = None,
) -> dict:
    """Store a vector for every card of the event that has none or a stale one.

    Only per-card encoders store anything; with the character fallback this does nothing.
    :return: ``{"embedded": n, "encoder": name}``.
    """
    stored = _stored_part(_encoder(encoder, blend_weight))
    if stored is None:
        return {"embedded": 0, "encoder": None}
    cards = _board_cards(event_id)
    have = (
        {
            card_id: (name, digest)
            for card_id, name, digest in db.session.execute(
                select(CardVector.card_id, CardVector.encoder, CardVector.text_hash).where(
                    CardVector.card_id.in_([c[0] for c in cards])
                )
            )
        }
        if cards
        else {}
    )
    todo = [
        (card_id, text)
        for card_id, _w, _k, text in cards
        if have.get(card_id) != (stored.name, text_hash(text))
    ]
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        rows = stored.encode([text for _id, text in batch])
        for (card_id, text), row in zip(batch, rows, strict=True):
            db.session.merge(
                CardVector(
                    card_id=card_id,
                    encoder=stored.name,
                    vector=np.asarray(row, dtype=np.float32).tobytes(),
                    text_hash=text_hash(text),
                )
            )
        db.session.commit()
        progress((start + len(batch)) / len(todo), "")
    return {"embedded": len(todo), "encoder": stored.name}


def _vectors(encoder: Encoder, texts: list[str], card_ids: list[str], queries: list[str]):
    """Card rows and query rows for the encoder, stored vectors used where it has them."""
    stored = _stored_part(encoder)
    if stored is None:
        rows = encoder.encode(texts + queries)
        return rows[: len(texts)], rows[len(texts) :]
    by_card = {
        card_id: np.frombuffer(vector, dtype=np.float32)
        for card_id, vector in db.session.execute(
            select(CardVector.card_id, CardVector.vector).where(
                CardVector.card_id.in_(card_ids), CardVector.encoder == stored.name
            )
        )
    }
    missing = [i for i, c in enumerate(card_ids) if c not in by_card]
    if missing:  # posted since the vectors were stored: encode them now, without storing
        for i, row in zip(missing, stored.encode([texts[i] for i in missing]), strict=True):
            by_card[card_ids[i]] = row
    cards = np.vstack([by_card[c] for c in card_ids])
    extra = stored.encode(queries) if queries else np.zeros((0, cards.shape[1]), np.float32)
    if isinstance(encoder, BlendEncoder):
        chars = encoder.second.encode(texts + queries)
        cards = encoder.combine(cards, chars[: len(texts)])
        extra = encoder.combine(extra, chars[len(texts) :]) if queries else extra
    return cards, extra


def suggest(
    progress: Callable = _noop,
    event_id: int = 0,
    need_id: int | None = None,
    encoder: str | None = None,
    blend_weight: float | None = None,
) -> dict:
    """Suggest groups of similar cards across workshops, or the cards that fit one need.

    Without ``need_id``: ``{"clusters": [{"cards", "title", "workshops"}]}``, groups that
    span at least three workshops and were not dismissed, biggest first. With it:
    ``{"need": id, "cards": [ids best first]}``, leaving out the need's own cards.
    """
    embed_cards(lambda f, m="": progress(0.6 * f, m), event_id, encoder, blend_weight)
    enc = _encoder(encoder, blend_weight)
    cards = _board_cards(event_id)
    if len(cards) < 3:
        return {"need": need_id, "cards": []} if need_id is not None else {"clusters": []}
    ids = [c[0] for c in cards]
    workshops = [c[1] for c in cards]
    kinds = [c[2] for c in cards]
    texts = [c[3] for c in cards]
    if need_id is not None:
        return _rank(enc, event_id, need_id, ids, workshops, kinds, texts, progress)
    vectors, _ = _vectors(enc, texts, ids, [])
    clean = remove_theme(vectors, workshops, kinds, blocks=enc.blocks)
    progress(0.8, "")
    labels = cluster(clean, workshops)
    dismissed = set(
        db.session.scalars(select(DismissedSuggestion.key).filter_by(event_id=event_id))
    )
    clusters = []
    for label in sorted(set(labels) - {UNASSIGNED}):
        members = np.flatnonzero(labels == label)
        group = [ids[i] for i in members]
        if suggestion_key(group) in dismissed:
            continue
        centre = clean[members].mean(axis=0)
        central = members[int(np.argmax(clean[members] @ centre))]
        clusters.append(
            {
                "cards": group,
                "title": texts[central][:200],
                "workshops": len({workshops[i] for i in members}),
            }
        )
    clusters.sort(key=lambda c: -len(c["cards"]))
    return {"clusters": clusters}


def _rank(enc, event_id, need_id, ids, workshops, kinds, texts, progress) -> dict:
    need = db.session.get(Need, need_id)
    if need is None or need.event_id != event_id:
        return {"need": need_id, "cards": []}
    index = {card_id: i for i, card_id in enumerate(ids)}
    seeds = [index[c] for c in need.card_ids if c in index]
    vectors, queries = _vectors(enc, texts, ids, [need.title])
    clean, title = remove_theme(vectors, workshops, kinds, queries=queries, blocks=enc.blocks)
    progress(0.8, "")
    ranked = rank_for_need(clean, seeds, title_vector=title[0])
    return {"need": need_id, "cards": [ids[i] for i in ranked[:RANKED]]}
