"""STEM Exchange: a Git-based register of industry support for STEM teaching staff.

Pipeline: load (YAML files) -> validate (JSON Schema + cross-checks) -> model (typed
entries) -> render (site pages, search index, open data) -> publish (staged, then swapped
in whole or moved in file by file).
"""

__version__ = "0.1.0"
