"""Quantity syntax, exactly as the spec's "Quantities" section says."""

import math

import pytest

from planlint.quantities import QuantityError, parse_count, parse_fraction, parse_integer, parse_share, parse_usd


@pytest.mark.parametrize(
    "text, value",
    [
        (1300000000, 1.3e9),
        (1.3e9, 1.3e9),
        ("1.3B", 1.3e9),
        ("40B", 40e9),
        ("1.4T", 1.4e12),
        ("8k", 8e3),
        ("8K", 8e3),
        ("2 M", 2e6),
        ("1.3 B", 1.3e9),
        ("3e21", 3e21),  # PyYAML reads these as strings (YAML 1.1 wants a dot and a signed exponent)
        ("3.0e21", 3e21),
        ("6.3E23", 6.3e23),
        ("1.3e+9", 1.3e9),
        ("1_300_000_000", 1.3e9),
        ("1_300", 1300),
        ("0.5B", 5e8),
        (0, 0.0),
    ],
)
def test_count_accepts_the_spec_forms(text, value):
    assert parse_count(text) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "text, message",
    [
        ("7Bn", "'7Bn' is not a count: write 7B, 7e9 or 7000000000"),
        ("7 billion", "'7 billion' is not a count: write 7B, 7e9 or 7000000000"),
        ("1.3b", "'1.3b' is not a count: write 1.3B, 1.3e9 or 1300000000"),
        ("", "an empty string is not a count: write 1.3B, 1.3e9 or 1300000000"),
        ("1__3", "'1__3' is not a count: write 1.3B, 1.3e9 or 1300000000"),
        ("12 apples", "'12 apples' is not a count: write 1.3B, 1.3e9 or 1300000000"),
        (-5, "-5 is negative: a count is zero or more"),
        ("-5B", "'-5B' is not a count: write 1.3B, 1.3e9 or 1300000000"),
        (float("nan"), ".nan is not a number: write a count such as 1.3B or 1.3e9"),
        (float("inf"), ".inf is infinite: write a finite count such as 1.3B or 1.3e9"),
        ("1e400", "'1e400' is infinite: write a finite count such as 1.3B or 1.3e9"),
        (True, "True is a boolean, not a count: write a number such as 1.3B or 1.3e9"),
        ([1], "expected a count such as 1.3B or 1.3e9, found a list"),
        (None, "expected a count such as 1.3B or 1.3e9, found nothing (null)"),
    ],
)
def test_count_rejects_with_the_accepted_forms(text, message):
    with pytest.raises(QuantityError) as info:
        parse_count(text)
    assert str(info.value) == message


def test_huge_yaml_integer_does_not_overflow():
    with pytest.raises(QuantityError) as info:
        parse_count(10**400)
    assert str(info.value) == "a 401-digit number is too large to be a count"


def test_integer():
    assert parse_integer("50k") == 50_000
    assert parse_integer(24) == 24
    with pytest.raises(QuantityError, match="not a whole number"):
        parse_integer(2.5)


@pytest.mark.parametrize("text, value", [("55%", 0.55), (0.55, 0.55), ("0.55", 0.55), ("5 %", 0.05), (1, 1.0), ("100%", 1.0)])
def test_share(text, value):
    assert parse_share(text) == pytest.approx(value)


@pytest.mark.parametrize("text", [55, "55", "120%", "-5%", "abc%", True, float("nan")])
def test_share_rejects(text):
    with pytest.raises(QuantityError):
        parse_share(text)


def test_share_above_one_suggests_percent():
    with pytest.raises(QuantityError) as info:
        parse_share(55)
    assert str(info.value) == "55 is not a share: a share is a fraction (0.55) or a percentage (55%)"


@pytest.mark.parametrize("text, value", [(1.80, 1.8), ("$1.80", 1.8), ("1.80", 1.8), ("$ 2", 2.0), ("$1,200", 1200.0)])
def test_usd(text, value):
    assert parse_usd(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["1.80 USD", "-1", True, float("inf")])
def test_usd_rejects(text):
    with pytest.raises(QuantityError):
        parse_usd(text)


def test_fraction_accepts_percent():
    assert parse_fraction("40%") == pytest.approx(0.4)
    assert parse_fraction(0.4) == 0.4
    assert math.isclose(parse_fraction("0.4"), 0.4)
