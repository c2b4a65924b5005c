"""Rates with their 95% confidence intervals, as the outcome reports publish them.

A rate here is what the MoJ's outcome statistics publish: the people with the outcome as a
share of the people whose outcome is known. "Unknown" is kept apart and left out of the
denominator, as the Offender Accommodation Outcomes statistics do ("cases with unknown
status are excluded from the rate"; gov.uk, statistical guidance, 2024-2025).

The interval is the Wilson score interval without continuity correction (Wilson, E. B.,
"Probable inference, the law of succession, and statistical inference", JASA 22, 1927;
method 3 of Newcombe, R. G., "Two-sided confidence intervals for the single proportion:
comparison of seven methods", Statistics in Medicine 17, 1998). Unlike the textbook
"p plus or minus 1.96 standard errors" it stays within 0 to 1 and is not zero-width at 0%
or 100%, which matters for the small groups a prison's figures have.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval for a proportion, both ends from 0 to 1."""

    low: float
    high: float


def wilson(successes: int, trials: int, z: float = Z_95) -> Interval | None:
    """The Wilson score interval for `successes` out of `trials`; None for no trials.

    Newcombe (1998), method 3: with p = r/n,
    (2np + z^2 -/+ z * sqrt(z^2 + 4np(1 - p))) / (2(n + z^2)).
    """
    if trials < 0 or not 0 <= successes <= trials:
        raise ValueError(f"successes must be from 0 to trials: {successes} of {trials}")
    if trials == 0:
        return None
    p = successes / trials
    z2 = z * z
    centre = 2 * trials * p + z2
    spread = z * math.sqrt(z2 + 4 * trials * p * (1 - p))
    scale = 2 * (trials + z2)
    # At 0 and n the formula gives exactly 0 and 1, up to rounding: say so exactly.
    low = 0.0 if successes == 0 else max(0.0, (centre - spread) / scale)
    high = 1.0 if successes == trials else min(1.0, (centre + spread) / scale)
    return Interval(low, high)


@dataclass(frozen=True, slots=True)
class Rate:
    """`count` of `denominator` people with a known outcome had it; `unknown` not known.

    `denominator` counts the people whose outcome is known (yes or no); `unknown` is kept
    apart, never in the denominator (MoJ accommodation outcomes, as above).
    """

    count: int
    denominator: int
    unknown: int = 0

    def __post_init__(self) -> None:
        if self.unknown < 0 or not 0 <= self.count <= self.denominator:
            raise ValueError(
                f"a rate needs 0 <= count <= denominator and unknown >= 0: "
                f"{self.count} of {self.denominator}, {self.unknown} unknown"
            )

    @classmethod
    def of(cls, yes: int, no: int, unknown: int = 0) -> Rate:
        """The rate of a yes/no outcome: yes of (yes + no), unknowns apart."""
        return cls(yes, yes + no, unknown)

    @property
    def people(self) -> int:
        """Everyone counted: known and unknown."""
        return self.denominator + self.unknown

    @property
    def rate(self) -> float | None:
        """count / denominator; None when nobody's outcome is known."""
        return self.count / self.denominator if self.denominator else None

    @property
    def interval(self) -> Interval | None:
        """The 95% Wilson score interval of the rate; None when nobody's is known."""
        return wilson(self.count, self.denominator)
