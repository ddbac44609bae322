"""The built-in rules package lists its modules as pkgutil does, without importing it."""

from __future__ import annotations

import pkgutil
import shutil

import planlint.rules
from planlint import rules


def test_the_rule_modules_are_the_ones_pkgutil_lists():
    assert rules.module_names() == [info.name for info in pkgutil.iter_modules(rules.__path__)]
    assert len(rules.module_names()) >= 24


def test_the_listing_takes_what_pkgutil_takes_and_leaves_the_rest(tmp_path, monkeypatch):
    for name in ("pl901_sample.py", "_private.py", "notes.txt", "bad-name.py", "data.py.orig", "__init__.py",
                 "compiled.pyc", "pl901_sample.pyc", "x.tar.py"):
        (tmp_path / name).write_text("", encoding="utf-8")
    (tmp_path / "subpackage").mkdir()
    (tmp_path / "subpackage" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "folder_only").mkdir()
    shutil.copy(planlint.rules.__file__, tmp_path / "__init__.py")
    monkeypatch.setattr(rules, "__path__", [str(tmp_path)])
    assert rules.module_names() == [info.name for info in pkgutil.iter_modules([str(tmp_path)])]
