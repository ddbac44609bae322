"""Stage 4: every number about a plan, computed once, for every rule, checklist item and command.

A rule never computes its own FLOPs, hours or memory: it reads them here, so ``check``,
``estimate``, ``checklist`` and ``report`` cannot disagree about one plan.
"""

from __future__ import annotations

from typing import Any


def compute(plan, options: dict[str, dict[str, Any]] | None = None):
    """The plan's numbers under the configured rule options."""
    from planlint.forecast import forecast

    return forecast(plan)
