"""Religion and sentence length for sample people, drawn so that they go with the rest
of the person (religion by ethnic group, as a prison population reads; many short
sentences, as a prison's releases are)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from planner.domain.sentence import SentenceLength

T = TypeVar("T")

# Religion or belief by ethnic group, as weights: roughly how a prison population reads.
_RELIGION_WEIGHTS: dict[str, tuple[tuple[str, int], ...]] = {
    "white": (("christian", 45), ("none", 40), ("other", 4), ("buddhist", 2), ("muslim", 3)),
    "black": (("christian", 50), ("muslim", 25), ("none", 20), ("other", 3)),
    "asian": (("muslim", 80), ("sikh", 5), ("hindu", 5), ("none", 8)),
    "mixed": (("christian", 35), ("muslim", 15), ("none", 45), ("other", 3)),
    "other": (("christian", 30), ("muslim", 30), ("none", 30), ("jewish", 2), ("other", 5)),
}
# Sentence lengths as courts give them, with weights: many short sentences.
_SENTENCES: tuple[tuple[SentenceLength, int], ...] = (
    (SentenceLength(days=14), 3),
    (SentenceLength(days=28), 4),
    (SentenceLength(months=2), 6),
    (SentenceLength(months=4), 8),
    (SentenceLength(months=6), 9),
    (SentenceLength(months=8), 6),
    (SentenceLength(months=10), 4),
    (SentenceLength(months=12), 5),
    (SentenceLength(months=18), 8),
    (SentenceLength(years=2), 8),
    (SentenceLength(years=2, months=6), 6),
    (SentenceLength(years=3), 6),
    (SentenceLength(years=3, months=9), 3),
    (SentenceLength(years=4), 5),
    (SentenceLength(years=5, months=4), 4),
    (SentenceLength(years=7), 3),
    (SentenceLength(years=10), 2),
)


def _weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _family(group: str) -> str:
    for family in ("white", "black", "asian", "mixed"):
        if group.startswith(family):
            return family
    return "other"


def equality_details(rng: random.Random, group: str | None) -> dict[str, object]:
    """A religion (sometimes not recorded or "prefer not to say") and a sentence length."""
    roll = rng.random()
    if roll < 0.06:
        religion: str | None = None
    elif roll < 0.1:
        religion = "prefer_not_to_say"
    else:
        religion = _weighted(rng, _RELIGION_WEIGHTS[_family(group or "other")])
    sentence = _weighted(rng, _SENTENCES) if rng.random() < 0.94 else None
    return {"religion": religion, "sentence": sentence}
