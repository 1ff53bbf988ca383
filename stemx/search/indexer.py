"""A small client for Pagefind's indexing service (`pagefind --service`).

The pagefind package's own asyncio client waits 100 ms before reading each reply, which
caps it at ten records a second (over an hour for 40,000 records). This client speaks the
same protocol (base64-encoded JSON messages separated by commas) in lock-step: one
request, one reply, so neither pipe can fill up and block the other.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from pagefind.service import get_executable

from ..errors import BuildError

NEEDED = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind")
# Pagefind's ready-made UIs (the search page has its own), and the WebAssembly for pages of
# no known language (every record is indexed as English).
UNUSED = (
    "pagefind-ui.*", "pagefind-modular-ui.*", "pagefind-component-ui.*", "pagefind-highlight.js",
    "wasm.unknown.pagefind",
)  # fmt: skip


def pagefind_version() -> str:
    from importlib.metadata import version

    return version("pagefind")


class Indexer:
    def __init__(self, config: dict[str, Any]) -> None:
        binary = get_executable()
        if binary is None:
            raise BuildError("the pagefind binary is missing: install the pagefind[bin] package")
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._message_id = 0
        self._output: Path | None = None
        self._index_id = self._send({"type": "NewIndex", "config": config})["index_id"]

    def _send(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._message_id += 1
        message = {"message_id": self._message_id, "payload": payload}
        self._process.stdin.write(base64.b64encode(json.dumps(message).encode("utf-8")) + b",")
        self._process.stdin.flush()
        reply = bytearray()
        while not reply.endswith(b","):
            chunk = self._process.stdout.read1(65536)
            if not chunk:
                raise BuildError("the pagefind indexing service stopped unexpectedly")
            reply += chunk
        response = json.loads(base64.b64decode(bytes(reply[:-1])))
        result: dict[str, Any] = response["payload"]
        if result.get("type") == "Error":
            raise BuildError(f"pagefind: {result.get('message')}")
        return result

    def add(
        self, url: str, content: str, meta: dict[str, str], filters: dict[str, list[str]], sort: dict[str, str]
    ) -> None:
        self._send({
            "type": "AddRecord", "index_id": self._index_id, "url": url, "content": content,
            "language": "en", "meta": meta, "filters": filters, "sort": sort,
        })  # fmt: skip

    def write(self, output: Path) -> None:
        self._send({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(output)})
        # Pagefind can reply before its static files are on disk; closing the service then
        # loses them (seen: a missing pagefind-worker.js). Wait for what the browser loads.
        # Sizes are compared between polls so that a file still being written is waited for too.
        deadline, previous = time.monotonic() + 60, None
        while (sizes := self._sizes(output)) != previous or None in sizes:
            if time.monotonic() > deadline:
                raise BuildError(f"pagefind did not write {', '.join(n for n in NEEDED if not (output / n).is_file())}")
            previous = sizes
            time.sleep(0.05)
        self._output = output

    @staticmethod
    def _sizes(output: Path) -> tuple[int | None, ...]:
        return tuple((output / name).stat().st_size if (output / name).is_file() else None for name in NEEDED)

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self._process.poll() is None:
            self._process.kill()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe:
                pipe.close()
        self._process.wait(timeout=30)
        if exc[0] is None and self._output is not None:  # once Pagefind has finished writing
            for pattern in UNUSED:
                for path in self._output.glob(pattern):
                    path.unlink()
