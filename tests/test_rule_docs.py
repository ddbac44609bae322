"""The rule catalogue (rules/<CODE>.md): one page per rule, kept true by running its examples.

After a deliberate change to a message: `python scripts/update_rule_docs.py`, then review.
"""

import re
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


# -- what the rules' metadata generates (planlint.catalogue) -----------------------------------

STALE = "is stale: run `python scripts/update_rule_docs.py` and review the diff"


@pytest.mark.parametrize("name, pages", [("README.md", "rules/"), ("rules/README.md", "")])
def test_the_rule_tables_are_the_ones_the_metadata_makes(name, pages):
    from planlint.catalogue import builtin_rules, with_table

    text = (ROOT / name).read_text(encoding="utf-8")
    assert with_table(text, builtin_rules(), pages) == text, f"the rule table in {name} {STALE}"


def test_the_rule_tables_list_every_builtin_rule_once():
    from planlint.catalogue import TABLE_END, TABLE_START

    for name, link in (("README.md", "rules/"), ("rules/README.md", "")):
        text = (ROOT / name).read_text(encoding="utf-8")
        table = text[text.index(TABLE_START):text.index(TABLE_END)]
        rows = [line for line in table.splitlines() if line.startswith("| [")]
        assert [row.split("]")[0][3:] for row in rows] == BUILTIN
        assert all(f"]({link}{code}.md) | {RULES[code].name}" in row for code, row in zip(BUILTIN, rows))


@pytest.mark.parametrize("code", BUILTIN)
def test_a_page_cites_what_its_rule_cites(code):
    """The page's ``## Sources`` are the rule's ``sources``: the ones ``rules --format json``,
    SARIF and ``explain`` give."""
    from planlint.catalogue import with_sections

    assert with_sections(PAGES[code], RULES[code]) == PAGES[code], f"rules/{code}.md {STALE}"
    listed = re.search(r"^## Sources\n\n(.*?)\n\n", PAGES[code] + "\n\n", re.M | re.S)
    assert (listed.group(1).splitlines() if listed else []) == [f"- {source}" for source in RULES[code].sources]


def test_a_new_section_goes_before_the_examples_and_an_empty_one_is_left_out():
    from planlint.catalogue import with_sections

    class Cited:
        points_at = "`name`"
        sources = ("A 2024, *B*.",)

    class Uncited:
        points_at = "`name`"
        sources = ()

    head = "# PL9 x\n\n**Default severity:** info\n\n**Points at:** `name`\n\n"
    page = head + "## Why\n\ntext\n\n## Failing example\n\nyaml\n"
    cited = head + "## Why\n\ntext\n\n## Sources\n\n- A 2024, *B*.\n\n## Failing example\n\nyaml\n"
    assert with_sections(page, Cited) == cited
    assert with_sections(cited, Uncited) == page
    assert with_sections(head + "## Sources\n\n- old\n", Cited) == head + "## Sources\n\n- A 2024, *B*.\n"
    untold = "# PL9 x\n\n**Default severity:** info\n\n## Why\n\ntext\n"
    assert with_sections(untold, Uncited) == head + "## Why\n\ntext\n"  # the line a page lacked
