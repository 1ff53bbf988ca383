"""The open-data stage streams: its own memory does not grow with the register.

A 600,000-opportunity run is a manual measurement (`python -m tests.opendata.synthetic
600000 /tmp/out`); here two small registers show that the stage's peak allocation stays
flat while the register grows fourfold.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from stemx.config import BuildConfig
from stemx.opendata import write_open_data
from stemx.output import standalone
from tests.opendata import synthetic
from tests.opendata.helpers import csv_rows


def _peak(n: int, out: Path) -> int:
    register = synthetic.register(n)
    tracemalloc.start()
    try:
        config = BuildConfig(out_dir=out, today=synthetic.TODAY)
        write_open_data(register, standalone(out, config, "open data"), config)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_stays_flat_as_the_register_grows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stemx.opendata.xlsx as xlsx

    monkeypatch.setattr(xlsx, "MAX_CELLS", 0)  # the workbook is bounded separately, by its own limit
    small, large = _peak(1_000, tmp_path / "small"), _peak(4_000, tmp_path / "large")
    assert len(csv_rows(tmp_path / "large" / "data", "opportunities")) == 4_000
    assert large < small * 1.5 + 1_000_000, (small, large)
