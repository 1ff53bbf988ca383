"""Descriptions kept on disk: the register holds references that read back the exact text."""

import os
import pickle
import threading
from datetime import date
from pathlib import Path

from stemx.content import load_register
from stemx.load import read
from stemx.texts import KEEP_FROM, StoredText, TextStore


def test_a_register_keeps_its_descriptions_on_disk(minimal_content: Path) -> None:
    register = load_register(minimal_content, date(2026, 11, 24))
    o = register.opportunities["harbourline-battery-lab-visit"]
    written = read(minimal_content / "opportunities" / "harbourline-battery-lab-visit.yaml").data["description"]
    assert len(written) >= KEEP_FROM
    assert isinstance(o.description, StoredText)  # not the string itself
    assert str(o.description) == written
    assert o.description == written


def test_short_texts_stay_in_memory_and_any_text_reads_back_exactly() -> None:
    store = TextStore()
    assert store.keep("Short.") == "Short."
    texts = ["é—≥ 🚧 " * 40, "x" * KEEP_FROM, "Line one.\n\n- a list item\n" * 20]
    kept = [store.keep(t) for t in texts]
    assert all(isinstance(k, StoredText) for k in kept)
    assert [str(k) for k in kept] == texts  # multi-byte text: sizes are bytes, not characters


def test_a_stored_text_pickles_as_the_text_itself() -> None:
    kept = TextStore().keep("A description long enough to be stored. " * 10)
    assert pickle.loads(pickle.dumps(kept)) == str(kept)
    assert type(pickle.loads(pickle.dumps(kept))) is str


def test_threads_and_forked_processes_read_the_same_store() -> None:
    store = TextStore()
    texts = [f"Description number {i}. " * 12 for i in range(200)]
    kept: list[object] = [None] * len(texts)

    def write(start: int) -> None:
        for i in range(start, len(texts), 4):
            kept[i] = store.keep(texts[i])

    workers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [str(k) for k in kept] == texts
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # the pages stage reads descriptions in a forked process
        os.close(read_end)
        os.write(write_end, b"ok" if [str(k) for k in kept] == texts else b"no")
        os._exit(0)
    os.close(write_end)
    assert os.read(read_end, 2) == b"ok"
    os.waitpid(child, 0)
    os.close(read_end)
