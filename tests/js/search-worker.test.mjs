// Unit tests of the search worker's pure parts, run by node's own test runner
// (tests/test_js.py runs them with the rest of the suite).
import assert from "node:assert/strict";
import { test } from "node:test";
import { expression, keywords, readInto } from "../../static/search-worker.js";

test("words are quoted; only the last is a prefix, and only when asked and long enough", () => {
  assert.equal(keywords(["wind", "turbine"], false), '"wind" "turbine"');
  assert.equal(keywords(["wind", "turb"], true), '"wind" "turb"*');
  assert.equal(keywords(["wind", "tu"], true), '"wind" "tu"');
  assert.equal(keywords(['say"hi'], false), '"say""hi"'); // a quote cannot end the string early
});

test("filters are ORed within and ANDed across; a filter's own counts leave it out", () => {
  const q = {
    words: ["cnc"],
    prefix: false,
    filters: { show: ["zzshow_open"], region: ["zzregion_north_west", "zzregion_london"], type: [] },
    within: null,
  };
  assert.equal(expression(q), '("cnc") AND zzshow_open AND (zzregion_north_west OR zzregion_london)');
  assert.equal(expression(q, "region", "zzregion_wales"), '("cnc") AND zzshow_open AND zzregion_wales');
  const near = { ...q, words: [], within: ["zzpa_m", "zzpc_sk1", "zzpc_online"] };
  assert.equal(
    expression(near),
    "zzshow_open AND (zzregion_north_west OR zzregion_london) AND (zzpa_m OR zzpc_sk1 OR zzpc_online)",
  );
});

test("reads span pieces, and stop at the end of the file", () => {
  const file = Uint8Array.from({ length: 10 }, (_, i) => i); // 10 bytes in pieces of 4
  const asked = [];
  const get = (n) => {
    asked.push(n);
    return file.subarray(n * 4, n * 4 + 4);
  };
  const into = new Uint8Array(5);
  assert.equal(readInto(into, 3, 5, 10, 4, get), 5);
  assert.deepEqual([...into], [3, 4, 5, 6, 7]);
  assert.deepEqual(asked, [0, 1]);
  const tail = new Uint8Array(4);
  assert.equal(readInto(tail, 8, 4, 10, 4, get), 2); // a short read: SQLite is told so
  assert.deepEqual([...tail], [8, 9, 0, 0]);
});
