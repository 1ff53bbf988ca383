// Search page: the filters, counts, near-me and the state in the URL. The questions are
// answered by the search worker (search-worker.js), which runs SQLite over the search
// database; this script only asks and shows. Results are built with DOM methods
// (textContent), never innerHTML, so no entry text can become markup.
import { saveLine } from "./plan.js";

const app = document.getElementById("search-app");
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const list = document.getElementById("results");
const countLine = document.getElementById("result-count");
const nearLine = document.getElementById("near-message");
const understood = document.getElementById("understood");
const more = document.getElementById("more");
const suggestions = document.getElementById("suggestions");
const PAGE = 20;
const FILTERS = [...new Set([...form.querySelectorAll("input[type=checkbox]")].map((c) => c.name))];
const DEFAULT_SHOW = ["Open opportunities"];

document.getElementById("search-nojs").hidden = true;
app.hidden = false;
// On a phone the filters come before the results: the panel starts folded, so the results are
// in view, and its heading names what is chosen (see showChoices).
const panel = form.querySelector(".filter-panel");
const groups = [...panel.querySelectorAll("details")];
if (matchMedia("(max-width: 49.99rem)").matches) panel.open = false;

const manifest = JSON.parse(app.dataset.manifest);
const worker = new Worker(app.dataset.worker, { type: "module" });
const waiting = new Map();
let asked = 0;
worker.addEventListener("message", ({ data }) => {
  const [resolve, reject] = waiting.get(data.id);
  waiting.delete(data.id);
  if ("error" in data) reject(new Error(data.error));
  else resolve(data.result);
});
function ask(type, args = {}) {
  const id = ++asked;
  worker.postMessage({ id, type, ...args });
  return new Promise((resolve, reject) => waiting.set(id, [resolve, reject]));
}
const opened = ask("open", { manifest });
const RINGS = [5, 10, 25, 50, 100]; // miles: "sort by distance" goes ring by ring
let districts = null; // loaded the first time a place is used
let here = null; // {lat, lon, label} from the place typed or the browser's location (in the URL as near=)
let places = null; // town and city names, loaded the first time one is typed
let cursor = null; // where the next "show more" starts
let asking = null; // the question the results on screen answer
let run = 0;

function state() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    filters: Object.fromEntries(FILTERS.map((f) => [f, p.getAll(f)])),
    place: p.get("place") || p.get("postcode") || "", // "postcode" in links made before towns were understood
    near: p.get("near") || "", // "53.48,-2.25": the browser's location, to two decimals (about a kilometre)
    radius: p.get("radius") || "",
    sort: p.get("sort") || "",
  };
}

function toUrl(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  const isDefault = (f) => f === "show" && s.filters.show.join() === DEFAULT_SHOW.join();
  for (const f of FILTERS) if (!isDefault(f)) for (const v of s.filters[f]) p.append(f, v);
  for (const k of ["place", "near", "radius", "sort"]) if (s[k]) p.set(k, s[k]);
  const query = p.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function fromForm() {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, [...form.querySelectorAll(`input[name="${f}"]:checked`)].map((c) => c.value)]));
  const place = form.place.value.trim();
  const near = !place && here?.label === "your location" ? `${here.lat.toFixed(2)},${here.lon.toFixed(2)}` : "";
  return { q: input.value.trim(), filters, place, near, radius: form.radius.value, sort: form.sort.value };
}

function toForm(s) {
  input.value = s.q;
  for (const c of form.querySelectorAll("input[type=checkbox]")) c.checked = s.filters[c.name].includes(c.value);
  if (!s.filters.show.length) for (const c of form.querySelectorAll('input[name="show"]')) c.checked = DEFAULT_SHOW.includes(c.value);
  form.place.value = s.place;
  form.radius.value = s.radius;
  form.sort.value = s.sort;
  openChosen();
}

// A group holding a chosen value is shown open, so no choice is hidden from the reader.
function openChosen() {
  for (const group of groups) if (group.querySelector("input:checked")) group.open = true;
  if (form.place.value || form.radius.value || state().near) form.place.closest("details").open = true;
}

// Each heading names what is chosen under it; the panel's names every choice but the default.
function showChoices() {
  const all = [];
  for (const group of groups) {
    const chosen = [...group.querySelectorAll("input:checked")].map((c) => c.value);
    if (group.contains(form.place) && here) chosen.push(here.label);
    group.querySelector("[data-chosen]").textContent = chosen.length ? `: ${chosen.join(", ")}` : "";
    if (chosen.join() !== DEFAULT_SHOW.join() || !group.querySelector('input[name="show"]')) all.push(...chosen);
  }
  panel.querySelector("[data-chosen-all]").textContent = all.length ? `: ${all.join(", ")}` : "";
}

// The question for the worker: the words typed, each filter's chosen tokens (values of one
// filter combine with OR, filters with AND), the districts near the place, and the order.
function query(s, live) {
  const filters = {};
  for (const f of FILTERS) {
    const chosen = f === "show" && !s.filters.show.length ? DEFAULT_SHOW : s.filters[f];
    filters[f] = chosen.map((label) => form.querySelector(`input[name="${f}"][value="${CSS.escape(label)}"]`)?.dataset.token).filter(Boolean);
  }
  const sort = s.sort === "published" ? "newest" : s.sort === "distance" ? "" : s.sort;
  // While typing, the last word may be unfinished, so it also matches as the start of a word;
  // a submitted search matches whole words, which reads far less of the index.
  const q = { words: words(s.q), prefix: live, filters, sort, within: null, rings: null };
  if (here) {
    const radius = +s.radius || 0;
    if (radius) q.within = [...near(radius), "zzpc_online"]; // online is never excluded by distance
    if (s.sort === "distance" || !s.sort) q.rings = [...RINGS.filter((r) => !radius || r < radius), ...(radius ? [radius] : [])].map(near);
  }
  return q;
}

// Words as SQLite's tokenizer sees them (letters and digits, lower case), less the small words
// of a sentence: every word must match, and "wind turbines near the coast" should not need "the".
const STOP = new Set(["a", "about", "an", "and", "around", "at", "by", "for", "from", "in", "near", "of", "on", "or", "the", "to", "with"]);
function words(text) {
  const all = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const kept = all.filter((w) => !STOP.has(w));
  return kept.length ? kept : all;
}

// The districts within `miles` of here, as index tokens: a whole postcode area as one token
// when every district of it is inside, so a wide radius stays a short question.
function near(miles) {
  const inside = new Map(); // area -> [districts inside]
  const total = new Map(); // area -> number of districts
  for (const [district, [lat, lon]] of Object.entries(districts)) {
    const area = district.match(/^[A-Z]+/)[0];
    total.set(area, (total.get(area) || 0) + 1);
    if (miles >= distance(here, { lat, lon })) inside.set(area, [...(inside.get(area) || []), district]);
  }
  const tokens = [];
  for (const [area, list] of inside) {
    if (list.length === total.get(area)) tokens.push(`zzpa_${area.toLowerCase()}`);
    else tokens.push(...list.map((d) => `zzpc_${d.toLowerCase()}`));
  }
  return tokens.length ? tokens : ["zzpc_nowhere"];
}

// Where "near" means: the browser's location (near=), a postcode or its district, or a town or
// city by name. Anything else is said plainly, never guessed ("leeds" is not the LE district).
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?(?:\s*[0-9][A-Z]{2})?$/i;
const placeKey = (name) =>
  name.toLowerCase().replace(/&/g, " and ").replace(/\bsaint\b/g, "st").replace(/[^a-z0-9]+/g, " ").trim();

async function locate(s) {
  nearLine.textContent = "";
  if (!s.place && !s.near) {
    if (s.radius) nearLine.textContent = "Enter a postcode, town or city, or use your location, to limit results by distance.";
    return null;
  }
  districts ??= await (await fetch(manifest.districts)).json();
  if (!s.place) {
    const [lat, lon] = s.near.split(",").map(Number);
    return Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon, label: "your location" } : null;
  }
  if (POSTCODE.test(s.place)) {
    const compact = s.place.toUpperCase().replace(/\s+/g, "");
    const district = compact.length >= 5 && /[0-9][A-Z]{2}$/.test(compact) ? compact.slice(0, -3) : compact;
    if (districts[district]) {
      const [lat, lon] = districts[district];
      return { lat, lon, label: district };
    }
    nearLine.textContent = `We do not know where the postcode district ${district} is, so results are not sorted or limited by distance.`;
    return null;
  }
  places ??= await (await fetch(manifest.places)).json();
  const found = places[placeKey(s.place)];
  if (found) return { lat: found[0], lon: found[1], label: found[2] };
  nearLine.textContent = `We do not know a place called “${s.place}”. Try its postcode, or a larger town nearby.`;
  return null;
}

function distance(a, b) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 3958.8 * 2 * Math.asin(Math.sqrt(h));
}

const plural = (n, one, many) => `${n.toLocaleString("en-GB")} ${n === 1 ? one : many}`;

async function update(live = false) {
  const mine = ++run;
  list.setAttribute("aria-busy", "true");
  app.dataset.counted = ""; // set once the filter counts are in (tests and the benchmark wait for it)
  const s = state();
  try {
    here = await locate(s);
  } catch {
    here = null; // the place lists could not be loaded: search without distance
    nearLine.textContent = "Places could not be looked up just now, so results are not sorted by distance.";
  }
  if (mine !== run) return;
  showChoices();
  if (!s.q && !s.place && !s.near && !FILTERS.some((f) => f !== "show" && s.filters[f].length)) {
    // Nothing asked yet: the browse pages list the whole register better.
    list.replaceChildren();
    more.hidden = true;
    countLine.textContent = "Type a keyword or choose a filter to see results.";
    list.setAttribute("aria-busy", "false");
    app.dataset.counted = "yes"; // nothing to count
    suggestions.hidden = true;
    return;
  }
  try {
    await opened;
    let q = query(s, live);
    let [first, total] = await firstPage(q);
    if (!total && q.words.length && !q.prefix) {
      q = { ...q, prefix: true }; // nothing for whole words: perhaps the last one is unfinished
      [first, total] = await firstPage(q);
    }
    if (mine !== run) return; // a newer search has started
    asking = q;
    list.replaceChildren(...first.cards.map((d) => card(d, q)));
    cursor = first.cursor;
    more.hidden = !cursor;
    // Announced once the cards are in place, so a screen reader's next move lands on them.
    countLine.textContent = `${total > 1000 ? "1,000+ results" : plural(total, "result", "results")}${s.q ? ` for “${s.q}”` : ""}${here ? ` near ${here.label}` : ""}`;
    list.setAttribute("aria-busy", "false");
    await suggest(mine, s, q, total);
    await showCounts(mine, q);
  } catch (e) {
    if (mine !== run) return;
    suggestions.hidden = true;
    list.replaceChildren();
    more.hidden = true;
    countLine.textContent = /HTTP 404/.test(e.message)
      ? "The search index has been updated since this page was opened. Reload the page to search again."
      : "Search is not working at the moment. Try again, or browse the opportunities instead.";
    list.setAttribute("aria-busy", "false");
    if (!/HTTP 404/.test(e.message)) console.error(e);
  }
}

// After a search that found nothing: what to change, each a button that changes it. Related
// subjects are the ones with results for the rest of the question (the subject filter's own counts).
async function suggest(mine, s, q, total) {
  const items = [];
  const action = (text, change) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link-button";
    b.textContent = text;
    b.addEventListener("click", () => {
      change();
      commit();
    });
    const li = document.createElement("li");
    li.append(b);
    items.push(li);
  };
  if (!total) {
    for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
      if (box.name === "show" && DEFAULT_SHOW.includes(box.value)) continue;
      action(`Remove the filter “${box.value}”`, () => (box.checked = false));
    }
    if (s.radius && here) action("Search at any distance", () => (form.radius.value = ""));
    if (s.filters.subject.length) {
      const tokens = [...form.querySelectorAll('input[name="subject"]')].filter((c) => !c.checked);
      const counts = await ask("counts", { query: q, options: { subject: tokens.map((c) => c.dataset.token) } });
      if (mine !== run) return;
      const related = tokens.map((c) => [c, counts.subject[c.dataset.token]]).filter(([, n]) => n > 0);
      related.sort((a, b) => b[1] - a[1]);
      for (const [c, n] of related.slice(0, 3)) {
        action(`Try ${c.value} instead (${n > 100 ? "100+" : n})`, () => {
          for (const box of form.querySelectorAll('input[name="subject"]')) box.checked = box === c;
        });
      }
    }
    if (s.q) {
      const li = document.createElement("li");
      li.textContent = "Check the spelling, or search for fewer or different words.";
      items.push(li);
    }
  }
  suggestions.querySelector("ul").replaceChildren(...items);
  suggestions.hidden = !items.length;
}

async function firstPage(q) {
  const asks = [ask("page", { query: q, cursor: null, limit: PAGE }), ask("total", { query: q })];
  for (const one of asks) one.catch(() => {}); // both fail together: one report is enough
  return Promise.all(asks);
}

// Each count is a query of its own, so only the filter groups in view are counted: a group
// opened later is counted then. Counts past 100 read "100+".
let counted = new Set(); // the groups whose counts describe the results on screen
async function showCounts(mine, q) {
  counted = new Set();
  await countGroups(mine, q);
}

async function countGroups(mine, q) {
  const wanted = groups.filter((g) => g.open && panel.open && !counted.has(g) && g.querySelector("input[type=checkbox]"));
  for (const group of groups) if (!counted.has(group)) for (const c of group.querySelectorAll("[data-count]")) c.textContent = "";
  if (!wanted.length) {
    app.dataset.counted = "yes";
    return;
  }
  const options = {};
  for (const group of wanted) {
    const boxes = [...group.querySelectorAll("input[type=checkbox]")];
    options[boxes[0].name] = boxes.map((c) => c.dataset.token);
  }
  const counts = await ask("counts", { query: q, options });
  if (mine !== run) return;
  for (const group of wanted) {
    counted.add(group);
    for (const c of group.querySelectorAll("input[type=checkbox]")) {
      const n = counts[c.name][c.dataset.token];
      c.labels[0].querySelector("[data-count]").textContent = `(${n > 100 ? "100+" : n})`;
    }
  }
  app.dataset.counted = "yes";
}
for (const group of [panel, ...groups]) group.addEventListener("toggle", () => asking && countGroups(run, asking));

async function showMore() {
  const mine = run;
  const next = await ask("page", { query: asking, cursor, limit: PAGE });
  if (mine !== run) return;
  list.append(...next.cards.map((d) => card(d, asking)));
  cursor = next.cursor;
  more.hidden = !cursor;
}

function fact(dl, term, value) {
  if (!value) return;
  const div = document.createElement("div");
  const dt = document.createElement("dt");
  const dd = document.createElement("dd");
  dt.textContent = term;
  dd.textContent = value;
  div.append(dt, dd);
  dl.append(div);
}

function card(d, q) {
  const li = document.createElement("li");
  li.className = "card";
  const h = document.createElement("h3");
  h.className = "card-title";
  const a = document.createElement("a");
  a.href = d.url;
  a.textContent = d.title;
  h.append(a);
  const who = document.createElement("p");
  who.className = "card-employer";
  who.textContent = d.employer;
  const dl = document.createElement("dl");
  dl.className = "card-facts";
  const away = here && d.lat ? Math.round(distance(here, { lat: +d.lat, lon: +d.lon })) : null;
  const miles = away === null ? "" : away < 1 ? " (under 1 mile)" : ` (${plural(away, "mile", "miles")})`;
  fact(dl, "Type", d.type);
  fact(dl, "Where", d.where + miles);
  fact(dl, "When", d.when);
  if (d.hours) fact(dl, "CPD", `${d.hours} ${d.hours === "1" ? "hour" : "hours"}`);
  li.append(h, who, dl);
  if (q.words.length) li.append(snippet(d.text, q.words));
  if (d.state === "open") li.append(saveLine(d.url.split("/").filter(Boolean).at(-1), d.url, d.title));
  if (d.state && d.state !== "open" && d.state !== "employer") {
    const tag = document.createElement("p");
    tag.className = "tag";
    tag.textContent = { closed: "Applications closed", past: "Took place", withdrawn: "Withdrawn" }[d.state];
    li.append(tag);
  }
  return li;
}

// Why a result matched: the passage of its text around the first word searched for, with the
// words marked. Matching is by word start, as the index's stemming does ("turbines" finds
// "turbine"); the text is set with textContent, so it stays text.
function snippet(text, searched) {
  const p = document.createElement("p");
  p.className = "snippet";
  const stems = searched.map((w) => w.replace(/(ing|ed|es|s)$/, "")).filter((w) => w.length >= 2);
  // The words are letters and digits only, so they need no escaping in the pattern.
  const pattern = stems.length ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${stems.join("|")})[\\p{L}\\p{N}]*`, "giu") : null;
  const first = pattern ? text.search(pattern) : -1;
  const start = first > 60 ? text.lastIndexOf(" ", first - 40) + 1 : 0;
  let shown = text.slice(start, start + 180);
  shown = (start ? "…" : "") + shown.slice(0, shown.length === 180 ? shown.lastIndexOf(" ") : undefined) + (start + 180 < text.length ? "…" : "");
  let at = 0;
  for (const m of pattern ? shown.matchAll(pattern) : []) {
    p.append(shown.slice(at, m.index));
    const mark = document.createElement("mark");
    mark.textContent = m[0];
    p.append(mark);
    at = m.index + m[0].length;
  }
  p.append(shown.slice(at));
  return p;
}

// On submit, words in the keyword box that name a type, region or format become that filter,
// so "online CPD in engineering in the North West" is one action. Only these three: subject
// and sector names are ordinary keywords too ("chemistry" should find text about chemistry).
const NAMED = ["type", "region", "format"];

function aliases(label) {
  const short = { "CPD session": ["CPD"], "In person": ["in-person", "face to face"], "Yorkshire and the Humber": ["Yorkshire"] };
  return [label, ...(short[label] || [])];
}

function understand() {
  let text = ` ${input.value.replace(/[,.;:!?]/g, " ")} `;
  const found = [];
  const boxes = NAMED.flatMap((f) => [...form.querySelectorAll(`input[name="${f}"]`)]);
  const names = boxes.flatMap((c) => aliases(c.value).map((name) => [name, c])).sort((a, b) => b[0].length - a[0].length);
  for (const [name, c] of names) {
    const words = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[\s-]+/g, "[\\s-]+");
    const pattern = new RegExp(`\\s${words}s?(?=\\s)`, "i"); // whole words; "CPD sessions" too
    if (!pattern.test(text)) continue;
    text = text.replace(pattern, " ");
    if (!c.checked) found.push(c);
    c.checked = true;
  }
  understood.textContent = "";
  if (!found.length) return;
  input.value = text.split(/\s+/).filter((w) => w && !STOP.has(w.toLowerCase())).join(" ");
  // "Online CPD in the North West": online opportunities are open to teachers anywhere, so the
  // region would find none of them; it is left out, and the message says why.
  const formats = found.filter((c) => c.name === "format");
  const regions = found.filter((c) => c.name === "region" && c.dataset.token !== "zzregion_online");
  let note = "";
  if (regions.length && formats.length && formats.every((c) => c.value === "Online")) {
    for (const c of regions) c.checked = false;
    note = ` Online opportunities are open to teachers anywhere, so ${regions.map((c) => c.value).join(", ")} is not used as a filter.`;
  }
  const named = boxes.filter((c) => found.includes(c) && c.checked).map((c) => c.value); // in the page's order
  understood.textContent = `Filtered by ${named.join(", ")}${input.value ? `; searching for “${input.value}”` : ""}.${note}`;
  openChosen();
}

function commit(push = true, live = false) {
  const url = toUrl(fromForm());
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
  update(live);
}

let typing;
form.addEventListener("submit", (e) => {
  e.preventDefault();
  clearTimeout(typing);
  understand();
  commit();
});
input.addEventListener("input", () => {
  understood.textContent = ""; // it described the last submitted words
  clearTimeout(typing);
  typing = setTimeout(() => commit(false, true), 300);
});
form.addEventListener("change", (e) => {
  if (e.target === input) return;
  understood.textContent = "";
  commit();
});
more.addEventListener("click", () => showMore());
document.getElementById("use-location").addEventListener("click", () => {
  navigator.geolocation?.getCurrentPosition(
    (pos) => {
      here = { lat: pos.coords.latitude, lon: pos.coords.longitude, label: "your location" };
      form.place.value = "";
      form.sort.value = "distance";
      commit();
    },
    () => {
      nearLine.textContent = "Your browser did not share your location. Enter a postcode, town or city instead.";
    },
  );
});
window.addEventListener("popstate", () => {
  toForm(state());
  update();
});

toForm(state());
update();
