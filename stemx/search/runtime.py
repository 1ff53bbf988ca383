"""SQLite's WebAssembly build for the search page, from the npm package pinned in package-lock.json.

The package's module is 657 KB of commented JavaScript (178 KB gzipped); comments and
spacing are stripped here with rjsmin (75 KB gzipped), so the whole runtime, with the
406 KB (gzipped) WebAssembly, stays under 500 KB for a visitor. Nothing is fetched from a
CDN: the files are copied into the site, in a folder named for the version, so browsers can
keep them across builds.
"""

from __future__ import annotations

import json
import shutil

import rjsmin

from ..config import ROOT
from ..errors import BuildError
from ..output import Writer, folder_digest

PACKAGE = ROOT / "node_modules" / "@sqlite.org" / "sqlite-wasm"


def write_runtime(out: Writer) -> str:
    """Copy the runtime into search/sqlite-wasm-<version>/; return that folder's name."""
    try:
        version = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]
        module = (PACKAGE / "dist" / "index.mjs").read_text(encoding="utf-8")
    except OSError:
        raise BuildError(
            f"SQLite's WebAssembly build is missing from {PACKAGE}: run `npm ci` in {ROOT} (`make install` does)"
        ) from None
    name = f"sqlite-wasm-{version}"
    # Kept as published while the package is the same: a rebuild then neither writes nor moves it.
    if out.reused(folder := f"search/{name}/", key := out.key(folder, (folder_digest(PACKAGE / "dist"),))):
        return name
    target = out.folder(folder, key)
    # keep_bang_comments keeps the licence notices (/*! ... */).
    (target / "sqlite3.mjs").write_text(rjsmin.jsmin(module, keep_bang_comments=True), encoding="utf-8")
    shutil.copyfile(PACKAGE / "dist" / "sqlite3.wasm", target / "sqlite3.wasm")
    (target / "NOTICE.txt").write_text(
        f"SQLite's WebAssembly build, from the npm package @sqlite.org/sqlite-wasm {version}.\n"
        "SQLite is in the public domain (https://sqlite.org/copyright.html); the package's\n"
        "JavaScript wrapper is under the Apache License 2.0 (https://www.apache.org/licenses/LICENSE-2.0).\n",
        encoding="utf-8",
    )
    out.sealed(folder)
    return name
