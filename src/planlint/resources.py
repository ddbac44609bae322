"""Where the published schema and the rule catalogue are, installed or in a checkout.

The wheel carries ``schemas/`` and ``rules/`` as ``planlint/_data/``; an editable install or
a source checkout reads them from the top of the repository. Paths are strings (``os.path``):
a ``check`` imports this module, and importing pathlib would cost it a few milliseconds.
"""

from __future__ import annotations

import os
from functools import lru_cache

_PACKAGE = os.path.dirname(os.path.realpath(__file__))


@lru_cache(maxsize=None)
def data_dir(name: str) -> str:
    """``schemas`` or ``rules``."""
    installed = os.path.join(_PACKAGE, "_data", name)
    if os.path.isdir(installed):
        return installed
    checkout = os.path.join(os.path.dirname(os.path.dirname(_PACKAGE)), name)
    if os.path.isdir(checkout):
        return checkout
    raise FileNotFoundError(f"planlint's {name}/ folder is missing from this installation")


def rule_page(code: str) -> str | None:
    """The catalogue page of a built-in rule, ``rules/PL101.md``."""
    try:
        page = os.path.join(data_dir("rules"), f"{code}.md")
    except FileNotFoundError:
        return None
    return page if os.path.isfile(page) else None


def read_text(path: str, errors: str = "strict") -> str:
    """A UTF-8 text file, whole."""
    with open(path, encoding="utf-8", errors=errors) as handle:
        return handle.read()
