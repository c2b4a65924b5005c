"""How hard a new passphrase would be to guess: zxcvbn's estimate, worked out offline.

zxcvbn (the estimator Dropbox published, as the maintained `zxcvbn` package) scores a
passphrase from 0 (a top-10 password) to 4 (very hard to guess) by looking for common
passwords, names, words, keyboard runs, dates and repeats. A database's passphrase is the
only thing between a stolen file and everyone's records, so:

* 0 or 1: refused, with zxcvbn's reason and a hint to use a few unrelated words;
* 2: accepted with a warning;
* 3 or 4: accepted.

zxcvbn's time grows faster than the length (a second for 250 characters), so only the
first `SCORED_CHARACTERS` are scored; a longer passphrase whose start is strong is strong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["EXAMPLE", "REFUSED_BELOW", "SCORED_CHARACTERS", "WARNED_BELOW", "Strength", "estimate"]

SCORED_CHARACTERS = 128
REFUSED_BELOW = 2  # scores 0 and 1
WARNED_BELOW = 3  # score 2
# Shown as an example of the shape of a good passphrase: it is scored as guessable itself.
EXAMPLE = "kettle orbit marsh violin"
# Words anyone guessing a planner database's passphrase would try first.
_CONTEXT = ("planner", "prison", "resettlement", "probation", "release", "hmpps", EXAMPLE)


@dataclass(frozen=True)
class Strength:
    """zxcvbn's score (0 to 4) and why, in its words ('' when it says nothing)."""

    score: int
    warning: str

    @property
    def refused(self) -> bool:
        return self.score < REFUSED_BELOW

    @property
    def weak(self) -> bool:
        return REFUSED_BELOW <= self.score < WARNED_BELOW


def estimate(passphrase: str, context: Sequence[str] = ()) -> Strength:
    """Score `passphrase`; `context` adds words to count as guessable (a database name)."""
    from zxcvbn import zxcvbn  # imported when needed: most commands never choose one

    scored = passphrase[:SCORED_CHARACTERS]
    result = zxcvbn(scored, user_inputs=[*_CONTEXT, *context], max_length=SCORED_CHARACTERS)
    feedback = result.get("feedback") or {}
    warning = str(feedback.get("warning") or "").strip().rstrip(".")
    return Strength(int(result["score"]), warning)
