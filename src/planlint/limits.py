"""The safety bounds on one plan, defined once: the configuration's ``limits`` keys, their
defaults and meanings, and the ``Limits`` the loader and the engine apply. Each bound that a
plan reaches is reported as PL004, whose fix names the key spelled as the configuration
takes it (``max-depth``), so that the fix can be applied as written.
"""

from __future__ import annotations

from dataclasses import fields

from planlint.records import record

# configuration key -> (default, what it bounds). The defaults leave plans a wide margin: a
# plan is a few KB, nests 3 or 4 deep, has a few dozen values and a handful of mistakes.
LIMITS: dict[str, tuple[float, str]] = {
    "max-file-bytes": (1_048_576, "Largest plan file read, in bytes (a plan is a few KB)."),
    "max-depth": (64, "Deepest nesting of mappings and lists (a plan nests 3 deep)."),
    "max-nodes": (100_000, "Most values after alias expansion (stops billion-laughs files)."),
    "max-findings": (1_000, "Most load and schema findings reported for one plan; the rest are counted."),
    "timeout": (10.0, "Seconds before checking one plan is stopped; 0 for no limit."),
}


def key_of(attribute: str) -> str:
    """``max_depth`` -> ``max-depth``: the configuration's spelling of a ``Limits`` field."""
    return attribute.replace("_", "-")


@record(frozen=True)
class Limits:
    """The bounds for one file, as the loader and the engine read them."""

    max_file_bytes: int = int(LIMITS["max-file-bytes"][0])
    max_depth: int = int(LIMITS["max-depth"][0])
    max_nodes: int = int(LIMITS["max-nodes"][0])
    max_findings: int = int(LIMITS["max-findings"][0])

    @classmethod
    def from_settings(cls, settings: dict[str, float]) -> Limits:
        """From the configuration's ``limits`` mapping (dashed keys; ``timeout`` is the engine's)."""
        return cls(**{f.name: int(settings[key_of(f.name)]) for f in fields(cls) if key_of(f.name) in settings})


def hint(attribute: str) -> str:
    """The end of a PL004 fix: which configuration key raises the bound."""
    return f"the bound is the `limits.{key_of(attribute)}` setting"


def unreadable_value(exc: ValueError) -> str:
    """Why a parser could not turn a value into a number, in planlint's words: Python's own
    message for an integer past its digit limit differs between versions."""
    import re
    import sys

    digits = re.search(r"value has (\d+) digits", str(exc))
    if digits is not None and "integer string conversion" in str(exc):
        limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
        return f"a number of {int(digits.group(1)):,} digits, more than the {limit:,} Python reads"
    return str(exc).split(";")[0]
