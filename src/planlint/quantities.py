"""Quantity syntax of the plan format (spec: "Quantities").

Counts accept a YAML number (``1300000000``, ``1.3e+9``), a suffix K/k, M, B or T (``1.3B``,
``8k``, with or without a space), scientific notation as a string (PyYAML reads ``3e21`` and
``3.0e21`` as strings under YAML 1.1) and underscores between digits (``1_300_000_000``).
Shares accept ``55%`` or ``0.55``; money accepts ``1.80`` or ``"$1.80"``.

Every parser raises :class:`QuantityError` with a message that shows the accepted forms.
"""

from __future__ import annotations

import math
import re

SUFFIXES = {"k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_WORDS = {"thousand": "K", "million": "M", "billion": "B", "trillion": "T"}

# digits with single underscores between them, an optional fraction, an optional exponent
_NUMBER = r"(?:\d(?:_?\d)*)?(?:\.\d(?:_?\d)*)?"
_COUNT_RE = re.compile(
    rf"^(?P<num>{_NUMBER})(?P<exp>[eE][+-]?\d+)?(?:\s?(?P<suffix>[kKMBT]))?$"
)
_PREFIX_RE = r"^\s*(?P<num>\d(?:_?\d)*(?:\.\d+)?)\s*(?P<word>[A-Za-z]*)"  # compiled on first use (re's cache): most runs never need it


class QuantityError(ValueError):
    """A value that is not a quantity of the expected kind; ``str()`` is the user message."""


def _remember(parse):
    """Remember what ``parse`` made of each text it parsed (a plan's quantities are parsed by
    the validator, then again for the typed plan, and recur across plans). Only strings, and
    only successes: an error is raised afresh, and a number is quicker to convert than to
    look up."""
    seen: dict[str, object] = {}

    def parse_remembered(value: object):
        if type(value) is not str:
            return parse(value)
        found = seen.get(value)
        if found is None:
            found = parse(value)
            if len(seen) < 4096:
                seen[value] = found
        return found

    parse_remembered.__name__ = parse.__name__
    parse_remembered.__qualname__ = parse.__qualname__
    parse_remembered.__doc__ = parse.__doc__
    parse_remembered.__wrapped__ = parse
    return parse_remembered


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def decimal_digits(value: int) -> int:
    """Decimal digits of a huge int, without ``str()`` (which refuses past 4,300 digits)."""
    value = abs(value)
    digits = int(value.bit_length() * math.log10(2)) + 1  # exact or one too many
    return digits - 1 if digits > 1 and 10 ** (digits - 1) > value else digits


def _shown(value: object) -> str:
    """``repr(value)`` for messages; a huge int by its size (``repr`` refuses past 4,300 digits),
    and an infinite or NaN float as YAML writes it (.inf, -.inf, .nan), never Python's inf or nan."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 1000:
        return f"a {decimal_digits(value)}-digit number"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ("-.inf" if value < 0 else ".inf")
    return repr(value)


def _plain(x: float) -> str:
    """3e21 -> '3e21', 1.3e9 -> '1.3e9' (no '+', no trailing zeros)."""
    if not math.isfinite(x):
        return str(x)
    mantissa, exp = f"{x:.6e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exp)}"


def _suggest_count(value: object) -> str:
    """The forms a user probably meant, built from what they wrote ('7Bn' -> 7B, 7e9, ...)."""
    generic = "write 1.3B, 1.3e9 or 1300000000"
    match = re.match(_PREFIX_RE, str(value))
    if not match:
        return generic
    try:
        number = float(match.group("num").replace("_", ""))
    except ValueError:
        return generic
    word = match.group("word")
    suffix = _WORDS.get(word.lower()) or (word[:1].upper() if word[:1].upper() in SUFFIXES else "")
    if not suffix or number == 0:
        return generic
    scaled = number * SUFFIXES[suffix]
    if not math.isfinite(scaled):  # hundreds of digits: no form of it is a count
        return generic
    whole = f"{scaled:.0f}" if scaled < 1e22 and scaled == int(scaled) else _plain(scaled)
    return f"write {number:g}{suffix}, {_plain(scaled)} or {whole}"


@_remember
def parse_count(value: object) -> float:
    """A non-negative, finite count: parameters, tokens, FLOPs, hours."""
    if isinstance(value, bool):
        raise QuantityError(f"{_shown(value)} is a boolean, not a count: write a number such as 1.3B or 1.3e9")
    if _is_number(value):
        try:
            number = float(value)
        except OverflowError:
            raise QuantityError(f"a {decimal_digits(value)}-digit number is too large to be a count") from None
    elif isinstance(value, str):
        text = value.strip()
        match = _COUNT_RE.match(text)
        if not text or not match or not match.group("num"):
            shown = repr(value) if value.strip() else "an empty string"
            raise QuantityError(f"{shown} is not a count: {_suggest_count(value)}")
        number = float(match.group("num").replace("_", "") + (match.group("exp") or ""))
        number *= SUFFIXES.get(match.group("suffix") or "", 1.0)
    else:
        raise QuantityError(f"expected a count such as 1.3B or 1.3e9, found {_kind(value)}")
    if math.isnan(number):
        raise QuantityError(f"{_shown(value)} is not a number: write a count such as 1.3B or 1.3e9")
    if math.isinf(number):
        raise QuantityError(f"{_shown(value)} is infinite: write a finite count such as 1.3B or 1.3e9")
    if number < 0:
        raise QuantityError(f"{_shown(value)} is negative: a count is zero or more")
    return number


@_remember
def parse_integer(value: object) -> int:
    """A whole count (layers, heads, accelerators, batch size); suffixes allowed (``50k``)."""
    number = parse_count(value)
    if number != int(number):
        raise QuantityError(f"{_shown(value)} is not a whole number")
    return int(number)


@_remember
def parse_share(value: object) -> float:
    """``55%`` or ``0.55``, in [0, 1]."""
    if isinstance(value, bool):
        raise QuantityError(f"{_shown(value)} is a boolean, not a share: write 55% or 0.55")
    if isinstance(value, str) and value.strip().endswith("%"):
        text = value.strip()[:-1].strip()
        try:
            number = float(text.replace("_", "")) / 100
        except ValueError:
            raise QuantityError(f"{_shown(value)} is not a share: write 55% or 0.55") from None
    elif _is_number(value) or isinstance(value, str):
        try:
            number = float(value) if _is_number(value) else float(value.strip())
        except (ValueError, OverflowError):
            raise QuantityError(f"{_shown(value)} is not a share: write 55% or 0.55") from None
        if number > 1:
            percent = f"{number:g}%" if number < 1e6 else "55%"  # no 1e+300% (or inf%) as a suggestion
            raise QuantityError(
                f"{_shown(value)} is not a share: a share is a fraction (0.55) or a percentage ({percent})"
            )
    else:
        raise QuantityError(f"expected a share such as 55% or 0.55, found {_kind(value)}")
    if math.isnan(number) or not 0 <= number <= 1:
        raise QuantityError(f"{_shown(value)} is not a share between 0% and 100%")
    return number


@_remember
def parse_usd(value: object) -> float:
    """US dollars: ``1.80`` or ``"$1.80"``."""
    if isinstance(value, bool):
        raise QuantityError(f"{_shown(value)} is a boolean, not an amount: write 1.80 or \"$1.80\"")
    if isinstance(value, str):
        text = value.strip().removeprefix("$").strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise QuantityError(f"{_shown(value)} is not an amount in US dollars: write 1.80 or \"$1.80\"") from None
    elif _is_number(value):
        try:
            number = float(value)
        except OverflowError:
            raise QuantityError(f"a {decimal_digits(value)}-digit number is too large to be an amount") from None
    else:
        raise QuantityError(f"expected an amount in US dollars such as 1.80, found {_kind(value)}")
    if math.isnan(number) or math.isinf(number):
        raise QuantityError(f"{_shown(value)} is not a finite amount: write 1.80 or \"$1.80\"")
    if number < 0:
        raise QuantityError(f"{_shown(value)} is negative: an amount is zero or more")
    return number


@_remember
def parse_fraction(value: object) -> float:
    """A utilisation such as MFU: ``0.40`` or ``40%``, in (0, 1] (bounds applied by the schema)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return parse_share(value)
    if isinstance(value, bool) or not (_is_number(value) or isinstance(value, str)):
        raise QuantityError(f"expected a fraction such as 0.40 or 40%, found {_kind(value)}")
    try:
        number = float(value) if _is_number(value) else float(value.strip())
    except (ValueError, OverflowError):
        raise QuantityError(f"{_shown(value)} is not a fraction: write 0.40 or 40%") from None
    if math.isnan(number) or math.isinf(number):
        raise QuantityError(f"{_shown(value)} is not a finite fraction: write 0.40 or 40%")
    return number


PARSERS = {
    "count": parse_count,
    "integer": parse_integer,
    "share": parse_share,
    "usd": parse_usd,
    "fraction": parse_fraction,
}


def _kind(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{_shown(value)}"
