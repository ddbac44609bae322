"""Human units for messages: 1.3B params, 3.1e20 FLOPs, 2,671 GPU-h, $4,800, 12.5%."""

from __future__ import annotations

import math

_SUFFIXES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
# Past these, a plain decimal runs to dozens or hundreds of digits: scientific notation instead.
_PLAIN_MIN, _PLAIN_MAX = 1e-4, 1e15


def _unbounded(x: float) -> str:
    """What a message says for a value that is not finite (no plan value is: the schema bounds
    them; a number computed from one can still be). Never Python's inf or nan."""
    if math.isnan(x):
        return "undefined"
    return "unbounded" if x > 0 else "-unbounded"


def count(x: float, digits: int = 3) -> str:
    """1.3e9 -> '1.3B', 40e9 -> '40B', 1.4e12 -> '1.4T', 8000 -> '8K', 512 -> '512'."""
    if not math.isfinite(x):
        return _unbounded(x)
    for scale, suffix in _SUFFIXES:
        if abs(x) >= scale:
            scaled = x / scale
            if abs(scaled) >= 1000:  # beyond 999T: scientific is clearer than '1500T'
                return sci(x)
            return f"{_sig(scaled, digits)}{suffix}"
    return _sig(x, digits)


def _sig(x: float, digits: int) -> str:
    """``digits`` significant digits, no trailing zeros, no scientific notation."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return _unbounded(x)
    if not _PLAIN_MIN <= abs(x) < _PLAIN_MAX:
        return sci(x, digits)
    decimals = max(0, digits - 1 - int(math.floor(math.log10(abs(x)))))
    text = f"{x:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def sci(x: float, digits: int = 3) -> str:
    """3.124e20 -> "3.12e20", 3e21 -> "3e21" (``digits`` significant digits)."""
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return _unbounded(x)
    mantissa, exp = f"{x:.{digits - 1}e}".split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}e{int(exp)}"


def number(x: float, digits: int = 3) -> str:
    """A plain quantity with thousands separators: 2671.4 -> '2,671', 4.23 -> '4.23'."""
    if not math.isfinite(x):
        return _unbounded(x)
    if abs(x) >= _PLAIN_MAX:
        return sci(x, digits)
    if abs(x) >= 10 ** (digits - 1):
        return f"{x:,.0f}"
    return _sig(x, digits)


def ratio(x: float) -> str:
    """Tokens per parameter and the like: 2.31 -> '2.3', 30.77 -> '30.8', 297.3 -> '297',
    8.3e8 -> '8.3e8' (past a million, digits are no longer read)."""
    if not math.isfinite(x):
        return _unbounded(x)
    if abs(x) >= 1e6:
        return sci(x, 2)
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}"


def pct(share: float, digits: int = 2) -> str:
    """``digits`` significant digits, never rounding whole percents away:
    0.1234 -> '12%', 0.0321 -> '3.2%', 0.00042 -> '0.042%'; pct(1.006, 4) -> '100.6%'."""
    value = share * 100
    if not math.isfinite(value):
        return _unbounded(value)
    if value == 0:
        return "0%"
    if not math.isfinite(value) or abs(value) < 1e-4 or abs(value) >= 1e7:  # no run of zeros or digits
        return f"{sci(value, digits)}%"
    return f"{_sig(value, digits)}%"


def usd(x: float) -> str:
    """4800 -> '$4,800', 0.327 -> '$0.33', 0.0042 -> '$0.0042'."""
    if not math.isfinite(x):
        return _unbounded(x)
    if abs(x) >= _PLAIN_MAX:
        return f"${sci(x)}"
    if abs(x) >= 100:
        return f"${x:,.0f}"
    if abs(x) >= 0.01:
        return f"${x:,.2f}"
    return f"${_sig(x, 2)}"


def bytes_(x: float) -> str:
    """Decimal units, as datasheets use: 1.3e9 -> '1.3 GB'."""
    if not math.isfinite(x):
        return _unbounded(x)
    for scale, suffix in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if abs(x) >= scale:
            return f"{_sig(x / scale, 3)} {suffix}"
    return f"{_sig(x, 3)} B" if x and abs(x) < 1 else f"{x:.0f} B"


def ceil_sig(x: float, digits: int = 3) -> float:
    """``x`` rounded up to ``digits`` significant digits, so that a budget suggested as
    ``sci(ceil_sig(x))`` is never below ``x``: 1.2345e20 -> 1.24e20."""
    if x <= 0 or not math.isfinite(x):
        return x
    exponent = math.floor(math.log10(x)) - digits + 1
    mantissa = math.ceil(x / 10.0 ** exponent)
    while True:  # the decimal text is the value: bump it until the float it reads as is not below x
        rounded = float(f"{mantissa}e{exponent}")
        if rounded >= x:
            return float(f"{rounded:.{digits - 1}e}") if float(f"{rounded:.{digits - 1}e}") >= x else rounded
        mantissa += 1


def duration(hours: float) -> str:
    """Wall-clock time in the unit a person plans with: '45 min', '7.5 hours', '21 days'."""
    if not math.isfinite(hours):
        return _unbounded(hours)
    if hours < 1:
        minutes = hours * 60
        return f"{minutes:.0f} min" if abs(minutes) < _PLAIN_MAX else f"{sci(minutes)} min"
    if hours < 48:
        return f"{_sig(hours, 2)} hours"
    return f"{number(hours / 24)} days"


def clip(text: str, width: int = 32) -> str:
    """Plan text in a headline, cut to ``width`` characters as printed (hidden characters count
    as the escapes that show them), with '…' where it was cut; a detail line or the facts carry
    it whole."""
    from planlint.report.escape import visible

    text = str(text)
    if len(visible(text, line_start=False)) <= width:
        return text
    out, used = "", 0
    for ch in text:
        shown = len(visible(ch, line_start=False))
        if used + shown > width - 1:
            break
        out, used = out + ch, used + shown
    return out + "…"


def quoted(text: str, width: int = 32) -> str:
    """``clip`` in single quotes: 'web-crawl'."""
    return f"'{clip(text, width)}'"
