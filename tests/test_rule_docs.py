"""The rule catalogue (rules/<CODE>.md): one page per rule, kept true by running its examples.

After a deliberate change to a message: `python scripts/update_rule_docs.py`, then review.
"""

from pathlib import Path

import pytest

from planlint.plugins import registry
from planlint.testing import doc_examples, doc_options, findings, render_example

ROOT = Path(__file__).resolve().parent.parent
RULES = registry().rules
PAGES = {path.stem: path.read_text(encoding="utf-8") for path in sorted((ROOT / "rules").glob("PL*.md"))}
BUILTIN = [code for code in RULES if registry().owner[code] == "builtin"]
# PL000 needs a rule that raises, PL006 a configuration (tests/test_suppress.py runs both)
WITH_PLAN_EXAMPLES = [code for code in BUILTIN if code not in ("PL000", "PL006")]


def test_every_builtin_rule_has_a_page_and_every_page_a_rule():
    assert sorted(PAGES) == sorted(BUILTIN)


@pytest.mark.parametrize("code", BUILTIN)
def test_page_title_and_summary(code):
    rule = RULES[code]
    page = PAGES[code]
    assert page.startswith(f"# {code} {rule.name}\n")
    assert rule.summary in page


@pytest.mark.parametrize("code", BUILTIN)
def test_page_says_which_key_the_rule_points_at(code):
    # from the rule's metadata, one place: `python scripts/update_rule_docs.py` writes the line
    rule = RULES[code]
    assert rule.points_at and rule.points_at == rule.points_at.strip()
    assert PAGES[code].split("\n")[3:6] == ["", f"**Points at:** {rule.points_at}", ""]


def test_explain_says_which_key_a_rule_points_at(cli):
    assert "\n**Points at:** `data.train_tokens`\n" in cli("explain", "PL101").output


@pytest.mark.parametrize("code", BUILTIN)
def test_page_options_match_the_rule(code):
    rule = RULES[code]
    assert doc_options(PAGES[code]) == {name: repr(option.default) for name, option in rule.options.items()}


@pytest.mark.parametrize("code", WITH_PLAN_EXAMPLES)
def test_failing_example_prints_what_the_page_shows(code):
    examples = doc_examples(PAGES[code])
    assert examples.failing is not None, "no ```yaml block under '## Failing example'"
    assert examples.output is not None, "no ```text block under '## Failing example'"
    assert render_example(examples.failing, examples.files) == examples.output
    # the example shows this rule and no other, so the page stays about its rule
    assert {f.code for f in findings(examples.failing, files=examples.files)} == {code}


@pytest.mark.parametrize("code", WITH_PLAN_EXAMPLES)
def test_passing_example_is_silent_for_the_rule(code):
    examples = doc_examples(PAGES[code])
    assert examples.passing is not None, "no ```yaml block under '## Passing example'"
    assert code not in [f.code for f in findings(examples.passing, files=examples.files)]


def test_explain_shows_the_page(cli):
    result = cli("explain", "PL101")
    assert result.exit_code == 0
    assert result.output == PAGES["PL101"].rstrip() + "\n"


def test_explain_by_name(cli):
    assert cli("explain", "data-repetition").output == PAGES["PL102"].rstrip() + "\n"
