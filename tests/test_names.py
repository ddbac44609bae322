"""Names that read alike are the same name (custom accelerators, mix sources)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hypothesis_profiles import scaled
from planlint.names import name_key


@pytest.mark.parametrize("a, b", [("web", "Web"), ("web", " web "), ("web", "we\u200bb"), ("web", "\ufeffweb"),
                                  ("café", "cafe\u0301"), ("common crawl", "Common  Crawl"), ("h100", "\uff48100"),
                                  ("straße", "STRASSE")])
def test_names_that_read_alike_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [("web", "web2"), ("web", "w eb"), ("code", "codes")])
def test_different_names_do_not(a, b):
    assert name_key(a) != name_key(b)


@scaled(1.0)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=20))
def test_the_ascii_shortcut_gives_what_normalisation_gives(name):
    slow = unicodedata.normalize("NFKC", name)
    slow = "".join(ch for ch in slow if unicodedata.category(ch) != "Cf")
    assert name_key(name) == " ".join(unicodedata.normalize("NFKC", slow.casefold()).split())
