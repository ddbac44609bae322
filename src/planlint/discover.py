"""Which files a `planlint check PATH...` call lints.

A file named on the command line is linted whatever it holds. A folder is searched for YAML
files whose top level has a ``planlint:`` key (a cheap text test: broken plans are still
found, and other YAML is left alone), skipping VCS folders, virtual environments and
``node_modules``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

YAML_SUFFIXES = (".yaml", ".yml")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", "venv",
             ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_PLAN_KEY = re.compile(rb"(?m)^(?:\xef\xbb\xbf)?planlint[ \t]*:")


@dataclass(frozen=True)
class Target:
    path: str  # what to open
    explicit: bool  # named on the command line (linted even without a `planlint:` key)


def looks_like_plan(raw: bytes) -> bool:
    return _PLAN_KEY.search(raw) is not None


def _is_virtualenv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg"))


def expand(paths: list[str]) -> tuple[list[Target], list[str]]:
    """Targets in a stable order, and error messages for paths that do not exist."""
    targets: list[Target] = []
    errors: list[str] = []
    seen: set[str] = set()

    def add(path: str, explicit: bool) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            targets.append(Target(path, explicit))

    for path in paths:
        if path == "-":
            add(path, True)
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _is_virtualenv(os.path.join(root, d)))
                for name in sorted(files):
                    if name.endswith(YAML_SUFFIXES):
                        found = os.path.join(root, name)
                        # `planlint check .` reports plans/x.yaml, not ./plans/x.yaml
                        add(found[2:] if found.startswith("./") else found, False)
        elif os.path.exists(path):
            add(path, True)
        else:
            errors.append(f"{path}: no such file or folder")
    return targets, errors
