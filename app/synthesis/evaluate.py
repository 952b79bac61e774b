"""Measuring suggestions against labelled weeks (used by the bench and the quality tests).

Two labelled sets of different kinds live in tests/data/synthesis/: ``week`` (cards.json),
invented cards of a six-theme democracy-promotion week whose needs are worded differently in
each theme, and ``radverkehr`` (radverkehr.json), contributions in the style of three
cities' public cycling dialogues, whose categories share concrete words across cities.
A choice that helps on one kind only is suspect.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.synthesis.encoders import Encoder
from app.synthesis.suggest import UNASSIGNED, cluster, rank_for_need, remove_theme

LABELLED_DIR = Path(__file__).resolve().parents[2] / "tests" / "data" / "synthesis"
LABELLED_WEEK = LABELLED_DIR / "cards.json"

#: The needs whose cards any parameter was tuned on; the others are held out.
TUNING_NEEDS = ("vernetzung", "raeume", "beratung")

#: The labelled sets by name: (file, the needs parameters were chosen on).
LABELLED_SETS = {
    "week": (LABELLED_WEEK, TUNING_NEEDS),
    "radverkehr": (LABELLED_DIR / "radverkehr.json", ("ampel", "parken", "winter", "einbahn")),
}


@dataclass
class LabelledWeek:
    """Cards with known needs, as in tests/data/synthesis/cards.json."""

    texts: list[str]
    workshops: list[str]
    kinds: list[str]
    needs: list[str | None]
    need_titles: dict[str, str]
    name: str = "week"
    tuning_needs: tuple[str, ...] = TUNING_NEEDS
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | str = LABELLED_WEEK) -> LabelledWeek:
        """Load a set by its name in LABELLED_SETS or from a file of that schema (a file of
        no named set has no tuning needs: all of it is held out)."""
        if str(path) in LABELLED_SETS:
            name = str(path)
        else:
            path = Path(path).resolve()
            name = next((n for n, (p, _t) in LABELLED_SETS.items() if p == path), path.stem)
        path, tuning = LABELLED_SETS.get(name, (path, ()))
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        cards = doc["cards"]
        return cls(
            texts=[c["text"] for c in cards],
            workshops=[c["workshop"] for c in cards],
            kinds=[c["kind"] for c in cards],
            needs=[c["need"] for c in cards],
            need_titles={n["slug"]: n["title"] for n in doc["needs"]},
            name=name,
            tuning_needs=tuple(tuning),
        )

    def encode(self, encoder: Encoder) -> tuple[np.ndarray, np.ndarray]:
        """Return (card rows, title rows in need_titles order), encoded together once."""
        key = _encoder_key(encoder)
        if key not in self.vectors:
            titles = list(self.need_titles.values())
            blend = getattr(encoder, "combine", None)
            if blend is not None:  # both parts cached: another weight costs no encoding
                first = np.vstack(self.encode(encoder.first))
                second = np.vstack(self.encode(encoder.second))
                self.vectors[key] = blend(first, second)
            else:
                self.vectors[key] = encoder.encode(self.texts + titles)
        rows = self.vectors[key]
        return rows[: len(self.texts)], rows[len(self.texts) :]


def _encoder_key(encoder: Encoder) -> str:
    weight = getattr(encoder, "weight", None)
    return encoder.name if weight is None else f"{encoder.name}{weight:g}"


@dataclass
class Settings:
    """The knobs of the suggestion pipeline, with the defaults the app uses."""

    feedback: int = 3
    title_weight: float = 1.0
    neighbours: int = 8
    min_tie: float = 0.2
    n_clusters: int | None = None


def cleaned(week: LabelledWeek, encoder: Encoder):
    """Encode the week and remove the theme; returns (cards, titles)."""
    cards, titles = week.encode(encoder)
    return remove_theme(cards, week.workshops, week.kinds, queries=titles, blocks=encoder.blocks)


def seeded_precision(
    week, cards, titles, needs, trials=20, seeds_per_need=2, use_title=True, settings=None
):
    """Mean precision@10 over ``trials`` draws of ``seeds_per_need`` cards for each need."""
    settings = settings or Settings()
    labels = np.array([n or "" for n in week.needs])
    slugs = list(week.need_titles)
    scores = []
    for trial in range(trials):
        rng = np.random.default_rng(1000 + trial)
        for need in needs:
            members = np.flatnonzero(labels == need)
            seeds = rng.choice(members, size=seeds_per_need, replace=False)
            title = titles[slugs.index(need)] if use_title else None
            ranked = rank_for_need(
                cards, seeds, title, feedback=settings.feedback, title_weight=settings.title_weight
            )
            scores.append(np.mean(labels[ranked[:10]] == need))
    return float(np.mean(scores))


def clustering_scores(week, cards, trials=20, needs=None, settings=None):
    """Mean adjusted Rand index of ``cluster`` over ``trials`` seeds.

    Returns (ari_all, ari_need_cards): over all cards, with "no need" and "unassigned" each
    one label (leaving a theme-only card out is the right answer, and putting it into a
    group is penalised); and over the cards of a need only. ``needs`` restricts both to the
    cards of those needs (plus, for the first, the cards of no need).
    """
    from sklearn.metrics import adjusted_rand_score

    settings = settings or Settings()
    truth = np.array([n or "-" for n in week.needs])
    keep_all = np.ones(len(truth), bool) if needs is None else np.isin(truth, list(needs) + ["-"])
    keep_need = keep_all & (truth != "-")
    every, need_only = [], []
    for trial in range(trials):
        found = cluster(
            cards,
            week.workshops,
            n_clusters=settings.n_clusters,
            neighbours=settings.neighbours,
            min_tie=settings.min_tie,
            seed=trial,
        )
        found = np.where(found == UNASSIGNED, -1, found)
        every.append(adjusted_rand_score(truth[keep_all], found[keep_all]))
        need_only.append(adjusted_rand_score(truth[keep_need], found[keep_need]))
    return float(np.mean(every)), float(np.mean(need_only))
