"""planlint: a linter for LLM pre-training plans.

The pipeline, one module each: ``load`` (YAML with positions) -> ``validate`` (JSON Schema)
-> ``model`` (the typed plan) -> ``rules`` (and the pure ``estimate`` functions they share)
-> ``report`` (formatters). ``engine`` runs it for a file; ``cli`` is the command line.

This module stays import-free so that ``planlint --version`` starts fast.
"""

__version__ = "0.1.0"
