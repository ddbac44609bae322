"""When two names a plan writes are the same name.

Names that differ only by Unicode normalisation (``é`` as one code point or two), case,
zero-width and other invisible format characters, or surrounding and repeated white space
look the same in a review and in a report, so they are the same name: a data source written
twice that way is a duplicate, and a custom accelerator named that way is the catalogue's.
"""

from __future__ import annotations


def name_key(name: str) -> str:
    """The form two names that read alike share: NFKC, case-folded, without format
    characters (zero-width space, joiners, BOM, bidirectional marks), white space collapsed."""
    if name.isascii():  # most names: NFKC leaves ASCII as it is, and it has no format characters
        return " ".join(name.lower().split())
    import unicodedata  # here: most plans name nothing outside ASCII, and the import costs every check

    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())
