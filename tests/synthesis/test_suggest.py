"""The suggestion functions on tiny made-up vectors: what a facilitator would notice."""

import numpy as np
import pytest

from app.synthesis.encoders import normalise
from app.synthesis.suggest import UNASSIGNED, cluster, rank_for_need, remove_theme

WORKSHOPS = ["vielfalt", "rechts", "demokratie", "antisemitismus"]
NEEDS = ["vernetzung", "finanzierung", "raeume"]


def made_up_week(per_cell=2, theme_strength=3.0, seed=0, dimension=40):
    """Cards whose vectors are mostly their workshop's theme plus a little of their need."""
    rng = np.random.default_rng(seed)
    theme = rng.normal(size=(len(WORKSHOPS), dimension))
    need = rng.normal(size=(len(NEEDS), dimension))
    rows, workshops, kinds, needs = [], [], [], []
    for w, workshop in enumerate(WORKSHOPS):
        for n, name in enumerate(NEEDS):
            for i in range(per_cell):
                rows.append(theme_strength * theme[w] + need[n] + 0.3 * rng.normal(size=dimension))
                workshops.append(workshop)
                kinds.append("problem" if i % 2 == 0 else "solution")
                needs.append(name)
    return normalise(np.array(rows)), workshops, kinds, np.array(needs), normalise(need)


def nearest_other(rows, i):
    sims = rows @ rows[i]
    sims[i] = -np.inf
    return int(np.argmax(sims))


def test_theme_removal_brings_a_need_together_across_workshops():
    # One card per workshop and need: before, a card's nearest is from its own workshop.
    rows, workshops, kinds, needs, _ = made_up_week(per_cell=1)
    before = [needs[nearest_other(rows, i)] == needs[i] for i in range(len(rows))]
    cleaned = remove_theme(rows, workshops, kinds)
    after = [needs[nearest_other(cleaned, i)] == needs[i] for i in range(len(rows))]
    assert np.mean(after) > 0.9
    assert np.mean(before) < 0.2
    assert np.allclose(np.linalg.norm(cleaned, axis=1), 1, atol=1e-5)


def test_theme_removal_shifts_queries_like_the_cards():
    rows, workshops, kinds, _, need_vectors = made_up_week()
    cleaned, titles = remove_theme(rows, workshops, kinds, queries=need_vectors)
    assert titles.shape == (len(NEEDS), rows.shape[1])
    assert cleaned.shape == rows.shape


def test_a_blend_is_cleaned_part_by_part_so_its_weight_holds():
    """The parts lose different shares of their length to the theme; the weight must
    still say how much each part counts once the theme is gone."""
    rows, workshops, kinds, _needs, _directions = made_up_week()
    rng = np.random.default_rng(5)
    # The first part nearly parallel (like a sentence encoder's rows), the second not.
    first = normalise(rows + 8.0)
    second = normalise(rng.normal(size=(len(rows), 30)))
    both = np.hstack([0.5**0.5 * first, 0.5**0.5 * second])
    clean = remove_theme(both, workshops, kinds, blocks=[(first.shape[1], 0.3), (30, 0.7)])
    a = remove_theme(first, workshops, kinds)
    b = remove_theme(second, workshops, kinds)
    assert np.allclose(clean @ clean.T, 0.3 * (a @ a.T) + 0.7 * (b @ b.T), atol=1e-4)
    with pytest.raises(ValueError):
        remove_theme(both, workshops, kinds, blocks=[(first.shape[1], 1.0)])


def test_ranking_finds_the_need_in_other_workshops_and_leaves_out_the_seeds():
    rows, workshops, kinds, needs, _ = made_up_week()
    cleaned = remove_theme(rows, workshops, kinds)
    seeds = [i for i in range(len(needs)) if needs[i] == "finanzierung"][:2]
    ranked = rank_for_need(cleaned, seeds)
    assert not set(seeds) & set(ranked.tolist())
    assert len(ranked) == len(rows) - 2
    top = ranked[:6]
    assert all(needs[top] == "finanzierung")
    assert len({workshops[i] for i in top}) >= 3


def test_ranking_by_title_alone():
    rows, workshops, kinds, needs, need_vectors = made_up_week()
    cleaned, titles = remove_theme(rows, workshops, kinds, queries=need_vectors)
    ranked = rank_for_need(cleaned, [], title_vector=titles[NEEDS.index("raeume")])
    assert np.mean(needs[ranked[:8]] == "raeume") >= 0.75
    with pytest.raises(ValueError):
        rank_for_need(cleaned, [])


def test_clusters_are_needs_across_workshops():
    rows, workshops, kinds, needs, _ = made_up_week(per_cell=3)
    cleaned = remove_theme(rows, workshops, kinds)
    labels = cluster(cleaned, workshops, n_clusters=4)
    suggested = labels[labels != UNASSIGNED]
    assert len(suggested) >= 0.8 * len(labels)
    for label in np.unique(suggested):
        members = labels == label
        assert len(set(needs[members])) == 1, "a group mixes needs"
        assert len({workshops[i] for i in np.flatnonzero(members)}) >= 3


def test_a_group_within_one_workshop_is_not_suggested():
    rows, workshops, kinds, needs, _ = made_up_week(per_cell=3)
    rng = np.random.default_rng(5)
    local = rng.normal(size=rows.shape[1])
    extra = normalise(local + 0.05 * rng.normal(size=(5, rows.shape[1])))
    rows = np.vstack([rows, extra])
    workshops = workshops + ["rechts"] * 5
    kinds = kinds + ["problem"] * 5
    cleaned = remove_theme(rows, workshops, kinds)
    labels = cluster(cleaned, workshops, n_clusters=5)
    local_labels = labels[-5:]
    assert all(label == UNASSIGNED or np.sum(labels == label) > 5 for label in local_labels), (
        "five near-identical cards of one workshop became a group of their own"
    )


def test_a_group_in_too_few_workshops_is_not_suggested():
    rows, workshops, kinds, needs, _ = made_up_week(per_cell=3)
    cleaned = remove_theme(rows, workshops, kinds)
    labels = cluster(cleaned, workshops, n_clusters=4, min_workshops=len(WORKSHOPS) + 1)
    assert np.all(labels == UNASSIGNED)


def test_cluster_on_too_few_cards_suggests_nothing():
    rows, workshops, kinds, *_ = made_up_week()
    assert np.all(cluster(rows[:2], workshops[:2]) == UNASSIGNED)
