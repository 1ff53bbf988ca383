// Search worker: SQLite's WebAssembly build answering the search page's questions from the
// search database, which it reads piece by piece over HTTP (see stemx/search/__init__.py).
//
// SQLite reads a file synchronously, so the one hand-written part is a read-only VFS whose
// xRead fetches the pieces it needs with synchronous XMLHttpRequests (allowed in workers)
// and keeps them in a bounded cache. The file is declared immutable: no locks, no journal.

const CACHE_PIECES = 2048; // at most 32 MB of 16 KB pieces
const CAP = 1000; // the total stops here: past it the page says "1,000+", never a wrong number
const CAP_EACH = 100; // a filter value's count stops here ("100+"): each costs a read of its own list
const RANKED = "closes"; // the table that knows which column matched (best match)

let manifest;
let sqlite3;
const dbs = new Map(); // sort order -> its open database
const files = new Map(); // SQLite's file pointer -> {url, size} of the database it reads
const pieces = new Map(); // "url piece" -> bytes, least recently used first
const chunks = new Map(); // card file number -> promise of its cards
let failure = null; // why the last read of a piece failed

function piece(url, n) {
  const key = `${url}${n}`;
  let data = pieces.get(key);
  if (data) {
    pieces.delete(key); // refresh its place in the LRU order
  } else {
    const xhr = new XMLHttpRequest();
    xhr.open("GET", `${url}${n}.bin`, false);
    xhr.responseType = "arraybuffer";
    xhr.send();
    if (xhr.status !== 200) throw new Error(`search index piece ${n}: HTTP ${xhr.status}`);
    data = new Uint8Array(xhr.response);
    if (pieces.size >= CACHE_PIECES) pieces.delete(pieces.keys().next().value);
  }
  pieces.set(key, data);
  return data;
}

// Copies `length` bytes from `offset` of the database into `target`; returns how many exist.
export function readInto(target, offset, length, size, pieceSize, get) {
  let done = 0;
  while (done < length && offset + done < size) {
    const at = offset + done;
    const n = Math.floor(at / pieceSize);
    const data = get(n);
    const start = at - n * pieceSize;
    const take = Math.min(length - done, data.length - start);
    if (take <= 0) break; // a piece shorter than promised: the caller reports a short read
    target.set(data.subarray(start, start + take), done);
    done += take;
  }
  return done;
}

function installVfs(sqlite3) {
  const { capi, wasm } = sqlite3;
  const io = new capi.sqlite3_io_methods();
  const vfs = new capi.sqlite3_vfs();
  const ok = 0;
  io.$iVersion = 1;
  sqlite3.vfs.installVfs({
    io: {
      struct: io,
      methods: {
        xClose(pFile) {
          files.delete(Number(pFile));
          return ok;
        },
        xRead(pFile, pDest, amount, offset) {
          const buffer = new Uint8Array(amount);
          const { url, size } = files.get(Number(pFile));
          let got;
          try {
            got = readInto(buffer, Number(offset), amount, size, manifest.piece, (n) => piece(url, n));
          } catch (e) {
            failure = e; // reported instead of SQLite's own "disk I/O error"
            return capi.SQLITE_IOERR_READ;
          }
          wasm.heap8u().set(buffer, Number(pDest)); // the rest stays zero, as SQLite requires
          return got < amount ? capi.SQLITE_IOERR_SHORT_READ : ok;
        },
        xWrite: () => capi.SQLITE_READONLY,
        xTruncate: () => capi.SQLITE_READONLY,
        xSync: () => ok,
        xFileSize(pFile, pSize) {
          wasm.poke64(pSize, BigInt(files.get(Number(pFile)).size));
          return ok;
        },
        xLock: () => ok,
        xUnlock: () => ok,
        xCheckReservedLock(_file, pOut) {
          wasm.poke32(pOut, 0);
          return ok;
        },
        xFileControl: () => capi.SQLITE_NOTFOUND,
        xSectorSize: () => manifest.piece,
        xDeviceCharacteristics: () => capi.SQLITE_IOCAP_IMMUTABLE,
      },
    },
    vfs: {
      struct: vfs,
      name: "pieces",
      methods: {
        xOpen(_vfs, zName, pFile, _flags, pOutFlags) {
          const order = wasm.cstrToJs(zName).replace(/\?.*/, ""); // "date" from "date?immutable=1"
          if (!manifest.dbs[order]) return capi.SQLITE_CANTOPEN;
          files.set(Number(pFile), manifest.dbs[order]);
          const file = new capi.sqlite3_file(pFile);
          file.$pMethods = io.pointer;
          file.dispose(); // the wrapper only: the struct itself belongs to SQLite
          wasm.poke32(pOutFlags, capi.SQLITE_OPEN_READONLY);
          return ok;
        },
        xDelete: () => capi.SQLITE_READONLY,
        xAccess(_vfs, _name, _flags, pOut) {
          wasm.poke32(pOut, 0); // no journal or WAL file exists beside an immutable database
          return ok;
        },
        xFullPathname(_vfs, zName, nOut, zOut) {
          return wasm.cstrncpy(zOut, zName, nOut) < nOut ? ok : capi.SQLITE_CANTOPEN;
        },
        xRandomness(_vfs, nOut, pOut) {
          wasm.heap8u().set(crypto.getRandomValues(new Uint8Array(nOut)), Number(pOut));
          return nOut;
        },
        xSleep: () => ok,
        xCurrentTime(_vfs, pOut) {
          wasm.poke(pOut, 2440587.5 + Date.now() / 86400000, "double");
          return ok;
        },
        xCurrentTimeInt64(_vfs, pOut) {
          wasm.poke64(pOut, BigInt(Math.round(2440587.5 * 86400000 + Date.now())));
          return ok;
        },
        xGetLastError: () => ok,
      },
    },
  });
  vfs.$iVersion = 2;
  vfs.$szOsFile = capi.sqlite3_file.structInfo.sizeof;
  vfs.$mxPathname = 512;
}

async function open(m) {
  manifest = m;
  const { default: init } = await import(manifest.runtime);
  sqlite3 = await init({ print: () => {}, printErr: () => {} });
  installVfs(sqlite3);
}

// The database of one sort order, opened the first time that order is asked for.
function database(order) {
  if (!dbs.has(order)) {
    const db = new sqlite3.oo1.DB({ filename: `file:${order}?immutable=1`, flags: "r", vfs: "pieces" });
    db.exec("PRAGMA temp_store = MEMORY"); // never ask the VFS for a temporary file
    dbs.set(order, db);
  }
  return dbs.get(order);
}

// --- Queries -------------------------------------------------------------------------------

// The words typed, as FTS5 strings: every word must match; the last also as a prefix while
// it is being typed (three letters or more, so "a" does not match half the index).
export function keywords(words, prefix) {
  return words
    .map((w, i) => `"${w.replaceAll('"', '""')}"${prefix && i === words.length - 1 && w.length >= 3 ? "*" : ""}`)
    .join(" ");
}

const any = (tokens) => (tokens.length === 1 ? tokens[0] : `(${tokens.join(" OR ")})`);

// The MATCH expression for a question: keyword AND each filter (its choices ORed), less the
// filter named in `except` (its own counts leave its own choices out).
export function expression(q, except = null, extra = null) {
  const parts = [];
  if (q.words.length) parts.push(`(${keywords(q.words, q.prefix)})`);
  for (const [name, tokens] of Object.entries(q.filters)) if (name !== except && tokens.length) parts.push(any(tokens));
  if (q.within) parts.push(any(q.within));
  if (extra) parts.push(extra);
  return parts.join(" AND ");
}

// Results come in segments, each read in its table's order: best match puts title, employer
// and label matches before matches in the text; distance goes ring by ring, online last.
function segments(q) {
  if (q.rings) {
    const ring = (i) => any(q.rings[i]);
    const last = ring(q.rings.length - 1);
    return [
      ...q.rings.map((_, i) => (i === 0 ? ring(0) : `(${ring(i)} NOT ${ring(i - 1)})`)),
      `(zzpc_online NOT ${last})`,
    ]
      .map((part) => expression(q, null, part))
      .concat(q.within ? [] : [`(${expression(q)}) NOT (${last} OR zzpc_online)`]); // further away
  }
  if (q.sort === "" && q.words.length) {
    const strong = `{strong}: (${keywords(q.words, q.prefix)})`;
    return [expression(q, null, strong), `(${expression(q)}) NOT ${strong}`];
  }
  return [expression(q)];
}

const order = (q) => (q.sort === "date" || q.sort === "newest" ? q.sort : RANKED);

function matches(name, match, after, limit) {
  const table = `by_${name}`;
  return database(name).selectValues(`SELECT rowid FROM ${table} WHERE ${table} MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?`, [
    match,
    after,
    limit,
  ]);
}

function count(name, match, cap = CAP) {
  const table = `by_${name}`;
  return database(name).selectValue(`SELECT count(*) FROM (SELECT 1 FROM ${table} WHERE ${table} MATCH ? LIMIT ${cap + 1})`, [match]);
}

// The next `limit` results after `cursor` ([segment, last rowid]); cards come from their files.
async function page(q, cursor, limit) {
  const name = order(q);
  const parts = segments(q);
  let [segment, after] = cursor ?? [0, -1];
  const found = [];
  while (found.length < limit && segment < parts.length) {
    const rows = matches(name, parts[segment], after, limit - found.length).map(Number);
    found.push(...rows.map((rowid) => [segment, rowid]));
    if (found.length < limit) [segment, after] = [segment + 1, -1];
    else after = rows.at(-1);
  }
  const more = found.length === limit ? [segment, after] : null;
  const cards = await Promise.all(found.map(([seg, rowid]) => card(rowid % 2 ** 24, seg)));
  return { cards, cursor: more };
}

async function card(number, segment) {
  const file = Math.floor(number / manifest.cardsPerFile);
  if (!chunks.has(file)) {
    chunks.set(
      file,
      fetch(`${manifest.cards}${file}.json`)
        .then((r) => {
          if (!r.ok) throw new Error(`search results file ${file}: HTTP ${r.status}`);
          return r.json();
        })
        .catch((e) => {
          chunks.delete(file); // asked for again next time, not remembered as failed
          throw e;
        }),
    );
  }
  return { ...(await chunks.get(file))[number % manifest.cardsPerFile], segment };
}

function counts(q, options) {
  const name = order(q);
  const out = {};
  for (const [filter, tokens] of Object.entries(options)) {
    out[filter] = {};
    for (const token of tokens) out[filter][token] = count(name, expression(q, filter, token), CAP_EACH);
  }
  return out;
}

// --- Messages: {id, type, ...} in, {id, result} or {id, error} out -------------------------

const handlers = {
  open: ({ manifest: m }) => open(m),
  page: ({ query, cursor, limit }) => page(query, cursor, limit),
  total: ({ query }) => count(order(query), expression(query)),
  counts: ({ query, options }) => counts(query, options),
};

let queue = Promise.resolve();
if (typeof WorkerGlobalScope !== "undefined") {
  self.addEventListener("message", (event) => {
    const { id, type, ...args } = event.data;
    // One question at a time: SQLite's reads are synchronous, answers keep their order.
    queue = queue.then(async () => {
      try {
        self.postMessage({ id, result: await handlers[type](args) });
      } catch (e) {
        self.postMessage({ id, error: String((failure ?? e)?.message ?? e) });
      }
      failure = null;
    });
  });
}
