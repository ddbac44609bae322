"""Where the published schema and the rule catalogue are, installed or in a checkout.

The wheel carries ``schemas/`` and ``rules/`` as ``planlint/_data/``; an editable install or
a source checkout reads them from the top of the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def data_dir(name: str) -> Path:
    """``schemas`` or ``rules``."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"planlint's {name}/ folder is missing from this installation")


def schema_path() -> Path:
    return data_dir("schemas") / "plan.schema.json"


def rule_page(code: str) -> Path | None:
    """The catalogue page of a built-in rule, ``rules/PL101.md``."""
    try:
        page = data_dir("rules") / f"{code}.md"
    except FileNotFoundError:
        return None
    return page if page.is_file() else None
