"""Suggestions on arrays of card vectors: no Flask, no database.

Plain similarity groups the week's cards by theme, because every card of a workshop
shares its theme's words. Each function here works against that: the theme is removed
from the vectors first, a need is searched for with its own cards and title as the query,
and groups are only formed from links between cards of different workshops.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from app.synthesis.encoders import normalise

#: Label of a card that ``cluster`` leaves out of every suggested group.
UNASSIGNED = -1


def _strongest_direction(rows: np.ndarray) -> np.ndarray:
    """Return the unit vector along which the rows vary most (first right singular vector)."""
    from scipy.sparse.linalg import svds

    if min(rows.shape) < 3:
        _, _, vt = np.linalg.svd(rows, full_matrices=False)
        return vt[0]
    _, _, vt = svds(rows.astype(np.float64), k=1, random_state=0)
    return vt[0]


def _centre_by(rows: np.ndarray, groups: Sequence) -> np.ndarray:
    keys = np.asarray(list(groups))
    out = rows.copy()
    for key in np.unique(keys):
        members = keys == key
        out[members] -= rows[members].mean(axis=0)
    return out


def remove_theme(vectors, workshops, kinds, queries=None, blocks=None):
    """Take the theme out of card vectors before they are compared.

    Removes the strongest direction of the (globally centred) vectors, then centres the
    cards of each workshop and then those of each card kind, and L2-normalises.

    A blend of encoders is cleaned block by block, each block normalised and weighted
    after its own cleaning: the sentence encoder's rows are nearly parallel and lose most
    of their length in the centring while sparse n-gram rows keep theirs, so cleaning the
    blend as one would hand it to the n-grams whatever the weight (measured on both
    labelled sets: blend at equal weight 0.29 → 0.50 precision@10 from two cards on the
    written week, 0.42 → 0.49 on the cycling dialogues).

    :param vectors: one row per card, as the encoder gave them.
    :param workshops: the workshop of each card.
    :param kinds: the kind of each card (problem, solution).
    :param queries: optional rows that belong to no workshop (a need's title); they get
        the same global shift and direction removal.
    :param blocks: optional ``(columns, weight)`` per block of columns, in order (see
        ``BlendEncoder.blocks``); None: all columns are one block.
    :return: the cleaned card rows, or ``(cards, queries)`` when queries were given.
    """
    rows = np.asarray(vectors, dtype=np.float32)
    extra = None if queries is None else np.atleast_2d(np.asarray(queries, dtype=np.float32))
    if blocks is None:
        blocks = [(rows.shape[1], 1.0)]
    card_parts, query_parts, start = [], [], 0
    for columns, weight in blocks:
        part = slice(start, start + columns)
        start += columns
        cards, more = _remove_theme_block(
            rows[:, part], workshops, kinds, None if extra is None else extra[:, part]
        )
        card_parts.append(np.sqrt(weight) * cards)
        query_parts.append(None if more is None else np.sqrt(weight) * more)
    if start != rows.shape[1]:
        raise ValueError("blocks must cover the columns of the vectors")
    cards = card_parts[0] if len(blocks) == 1 else normalise(np.hstack(card_parts))
    if queries is None:
        return cards
    more = query_parts[0] if len(blocks) == 1 else normalise(np.hstack(query_parts))
    return cards, more


def _remove_theme_block(rows, workshops, kinds, extra):
    mean = rows.mean(axis=0)
    centred = rows - mean
    direction = _strongest_direction(centred).astype(np.float32)
    centred -= np.outer(centred @ direction, direction)
    centred = _centre_by(centred, workshops)
    centred = _centre_by(centred, kinds)
    if extra is None:
        return normalise(centred), None
    extra = extra - mean
    extra -= np.outer(extra @ direction, direction)
    return normalise(centred), normalise(extra)


def rank_for_need(vectors, seed_indices, title_vector=None, feedback=3, title_weight=1.0):
    """Rank the cards that might belong to a need, best first.

    The query is the mean of the need's cards (and its title), followed by one round of
    pseudo-relevance feedback: the ``feedback`` best cards join the query once.

    :param vectors: cleaned card rows (see ``remove_theme``), unit length.
    :param seed_indices: rows of the cards already in the need.
    :param title_vector: the need's title, cleaned the same way, or None.
    :param feedback: how many top cards join the query; 0 for none.
    :param title_weight: weight of the title against one card in the query.
    :return: indices of all other cards, best first (the seeds are left out).
    """
    rows = np.asarray(vectors, dtype=np.float32)
    seeds = np.asarray(list(seed_indices), dtype=int)
    parts = [rows[seeds].sum(axis=0)] if len(seeds) else []
    if title_vector is not None:
        parts.append(title_weight * np.asarray(title_vector, dtype=np.float32).ravel())
    if not parts:
        raise ValueError("a need needs a card or a title to search with")
    query = np.sum(parts, axis=0)
    candidates = np.setdiff1d(np.arange(len(rows)), seeds)
    scores = rows[candidates] @ query
    if feedback:
        top = candidates[np.argsort(-scores, kind="stable")[:feedback]]
        query = query / max(len(seeds) + (title_vector is not None), 1)
        query = query + rows[top].mean(axis=0)
        scores = rows[candidates] @ query
    return candidates[np.argsort(-scores, kind="stable")]


def cross_workshop_graph(vectors, workshops, neighbours=8):
    """Link each card to its ``neighbours`` most similar cards from other workshops.

    Only positive similarities make links; the graph is made symmetric by keeping a link
    that either end chose. Returns a sparse matrix of link weights.
    """
    rows = np.asarray(vectors, dtype=np.float32)
    keys = np.asarray(list(workshops))
    n = len(rows)
    k = min(neighbours, n - 1)
    sims = rows @ rows.T
    same = keys[:, None] == keys[None, :]
    sims[same] = -np.inf
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((n, 0), int)
    weights = np.take_along_axis(sims, top, axis=1)
    keep = np.isfinite(weights) & (weights > 0)
    graph = sparse.csr_matrix(
        (weights[keep], (np.repeat(np.arange(n), k)[keep.ravel()], top[keep])), shape=(n, n)
    )
    return graph.maximum(graph.T)


def cluster(
    vectors,
    workshops,
    n_clusters=None,
    min_workshops=3,
    neighbours=8,
    min_tie=0.2,
    min_size=3,
    seed=0,
):
    """Suggest groups of cards from different workshops that look like one need.

    Spectral clustering on ``cross_workshop_graph``, asking for more groups than there are
    likely needs; a card whose links mostly leave its group is left unassigned, and a group
    is only suggested when it spans ``min_workshops`` workshops.

    :param vectors: cleaned card rows (see ``remove_theme``), unit length.
    :param workshops: the workshop of each card.
    :param n_clusters: groups to ask for; None: one per 15 cards, between 2 and 40.
    :param min_tie: share of a card's link weight that must stay in its group. 0.2 rather
        than 0.3: on both labelled sets and every encoder 0.3 left out cards that belonged
        (adjusted Rand +0.01 to +0.04), while 0 to 0.2 score alike.
    :param min_size: smallest group suggested.
    :param seed: seed of the k-means step, so a run can be repeated.
    :return: one label per card, ``UNASSIGNED`` (-1) or 0, 1, ... for a suggested group.
    """
    from sklearn.cluster import SpectralClustering

    keys = np.asarray(list(workshops))
    n = len(keys)
    labels = np.full(n, UNASSIGNED)
    if n < max(min_size, 3):
        return labels
    if n_clusters is None:
        n_clusters = int(np.clip(round(n / 15), 2, 40))
    n_clusters = min(n_clusters, n - 1)
    graph = cross_workshop_graph(vectors, keys, neighbours)
    linked = np.flatnonzero(graph.getnnz(axis=1) > 0)
    if len(linked) <= n_clusters:
        return labels
    sub = graph[linked][:, linked]
    with warnings.catch_warnings():
        # A graph that falls apart into pieces is the clear case, not a problem: each
        # piece is a candidate group.
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        raw = SpectralClustering(
            n_clusters=n_clusters,
            affinity="precomputed",
            assign_labels="kmeans",
            eigen_solver="arpack",
            random_state=seed,
        ).fit_predict(sub)
    strength = np.asarray(sub.sum(axis=1)).ravel()
    same = raw[sub.tocoo().row] == raw[sub.tocoo().col]
    inside = np.bincount(sub.tocoo().row[same], weights=sub.tocoo().data[same], minlength=len(raw))
    tied = inside >= min_tie * np.where(strength > 0, strength, np.inf)
    raw = np.where(tied, raw, UNASSIGNED)
    next_label = 0
    for group in np.unique(raw[raw != UNASSIGNED]):
        members = linked[raw == group]
        if len(members) >= min_size and len(np.unique(keys[members])) >= min_workshops:
            labels[members] = next_label
            next_label += 1
    return labels
