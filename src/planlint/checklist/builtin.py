"""planlint's own checklist: a plugin like any third-party bundle (entry point ``checklist``).

The ten items of a production pre-training checklist, in :mod:`planlint.checklist.items`.
"""

from __future__ import annotations

from planlint.hooks import hookimpl


@hookimpl
def planlint_checklist_items():
    from planlint.checklist.items import ITEMS

    return list(ITEMS)
