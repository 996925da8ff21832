"""Exact points: a question's points shared over its tests so that they add up to the points as written.

Points are decimals, not binary fractions: a question worth ``P`` (as written in
``grading_config.yaml``) is counted in units of ``10**-d`` (``d`` = 4, or more if ``P`` is written
with more decimals) and shared over its tests by weight with the largest-remainder method. The
tests' ``max_score`` values then sum to exactly ``P``, every sum is done in decimals, and each
printed number is exact.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

MIN_DECIMALS = 4


def decimal(value: float | int | str | Decimal) -> Decimal:
    """A number as the decimal it is written as (``0.1`` is 0.1, not the nearest binary fraction)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def places(points: float) -> int:
    """How many decimals a question's points are counted in."""
    exponent = decimal(points).normalize().as_tuple().exponent
    return max(MIN_DECIMALS, -exponent if isinstance(exponent, int) else 0)


def split(points: float, weights: list[float]) -> list[Decimal]:
    """``points`` shared over tests in proportion to ``weights``, in whole units; the parts sum to ``points``."""
    if not weights:
        return []
    unit = Decimal(1).scaleb(-places(points))
    units = int((decimal(points) / unit).to_integral_value())
    fractions = [Fraction(decimal(w)) for w in weights]
    whole = sum(fractions)
    quotas = [Fraction(units) * f / whole for f in fractions]
    parts = [q.numerator // q.denominator for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), i))
    for i in order[:units - sum(parts)]:
        parts[i] += 1
    return [Decimal(p) * unit for p in parts]


def total(values: Iterable[float | Decimal]) -> float:
    """The exact decimal sum of point values, as a float that prints as that decimal."""
    return float(sum((decimal(v) for v in values), Decimal(0)))


def rounded(value: float, digits: int = MIN_DECIMALS) -> float:
    """``value`` rounded half-even to ``digits`` decimals, as a float that prints as that decimal."""
    return float(decimal(value).quantize(Decimal(1).scaleb(-digits)))
