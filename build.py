#!/usr/bin/env python3
"""Entry point: `python build.py validate|build|serve|new ...` (see README.md)."""

import sys

from stemx.cli import main

if __name__ == "__main__":
    sys.exit(main())
