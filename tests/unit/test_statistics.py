"""Rates and their Wilson score intervals, against published values and by their laws."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.statistics import Z_95, Rate, wilson

# Newcombe, R. G. (1998), "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Statistics in Medicine 17: 857-872, Table II, method 3
# (Wilson score, no continuity correction), to the 4 decimal places printed there.
NEWCOMBE_1998_METHOD_3 = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
    (29, 29, 0.8830, 1.0000),
]


@pytest.mark.parametrize(("successes", "trials", "low", "high"), NEWCOMBE_1998_METHOD_3)
def test_wilson_matches_newcombe_1998(successes: int, trials: int, low: float, high: float):
    interval = wilson(successes, trials)
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)


def ends(successes: int, trials: int) -> tuple[float, float]:
    interval = wilson(successes, trials)
    assert interval is not None
    return interval.low, interval.high


def test_wilson_for_ten_trials():
    # 0 of n: Newcombe's formula reduces to 0 to z^2 / (n + z^2), 0.2775 for n = 10;
    # 10 of 10 mirrors it; 5 of 10 is centred on one half: 0.5 -/+ 0.2634.
    assert ends(0, 10)[0] == 0.0
    assert ends(0, 10)[1] == pytest.approx(Z_95**2 / (10 + Z_95**2))
    assert ends(0, 10)[1] == pytest.approx(0.2775, abs=5e-5)
    assert ends(10, 10)[0] == pytest.approx(0.7225, abs=5e-5)
    assert ends(10, 10)[1] == 1.0
    assert ends(5, 10)[0] == pytest.approx(0.2366, abs=5e-5)
    assert ends(5, 10)[1] == pytest.approx(0.7634, abs=5e-5)


def test_no_trials_no_interval():
    assert wilson(0, 0) is None
    assert Rate(0, 0, unknown=3).interval is None
    assert Rate(0, 0, unknown=3).rate is None


@pytest.mark.parametrize(("successes", "trials"), [(-1, 5), (6, 5), (0, -1)])
def test_impossible_counts_are_refused(successes: int, trials: int):
    with pytest.raises(ValueError, match="successes"):
        wilson(successes, trials)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_holds_the_rate_within_0_and_1(counts: tuple[int, int]):
    successes, trials = counts
    interval = wilson(successes, trials)
    if trials == 0:
        assert interval is None
        return
    assert interval is not None
    p = successes / trials
    assert 0.0 <= interval.low <= p <= interval.high <= 1.0
    assert interval.low < interval.high  # never zero-width, not even at 0% or 100%


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_the_interval_is_symmetric_under_successes_and_failures(counts: tuple[int, int]):
    successes, trials = counts
    yes = wilson(successes, trials)
    no = wilson(trials - successes, trials)
    assert yes is not None and no is not None
    assert yes.low == pytest.approx(1 - no.high, abs=1e-12)
    assert yes.high == pytest.approx(1 - no.low, abs=1e-12)


def test_a_rate_keeps_unknowns_out_of_the_denominator():
    # 30 housed, 10 not, 5 unknown: the MoJ's way gives 30 / 40, not 30 / 45.
    rate = Rate.of(yes=30, no=10, unknown=5)
    assert (rate.count, rate.denominator, rate.unknown, rate.people) == (30, 40, 5, 45)
    assert rate.rate == 0.75
    assert rate.interval == wilson(30, 40)


@pytest.mark.parametrize(("count", "denominator", "unknown"), [(5, 4, 0), (-1, 4, 0), (1, 4, -1)])
def test_an_impossible_rate_is_refused(count: int, denominator: int, unknown: int):
    with pytest.raises(ValueError, match="a rate needs"):
        Rate(count, denominator, unknown)
