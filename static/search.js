// Search page: Pagefind in the browser, with filters, counts, near-me and the state in the URL.
// Results are built with DOM methods (textContent), never innerHTML, so no entry text can
// become markup.

const app = document.getElementById("search-app");
const base = app.dataset.base;
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const list = document.getElementById("results");
const countLine = document.getElementById("result-count");
const nearLine = document.getElementById("near-message");
const understood = document.getElementById("understood");
const more = document.getElementById("more");
const PAGE = 20;
const NEAR_LIMIT = 1000; // results whose positions are loaded to sort by distance
const FILTERS = [...new Set([...form.querySelectorAll("input[type=checkbox]")].map((c) => c.name))];
const DEFAULT_SHOW = ["Open opportunities"];

document.getElementById("search-nojs").hidden = true;
app.hidden = false;
// On a phone the filters come before the results: the panel starts folded, so the results are
// in view, and its heading names what is chosen (see showChoices).
const panel = form.querySelector(".filter-panel");
const groups = [...panel.querySelectorAll("details")];
if (matchMedia("(max-width: 49.99rem)").matches) panel.open = false;

// A large register is indexed in shards (see stemx/search): each is its own Pagefind bundle,
// imported as its own module, and their answers are merged here.
const shards = await Promise.all(
  app.dataset.indexes.split(" ").map(async (folder) => {
    const pf = await import(`${folder}pagefind.js`);
    await pf.options({ baseUrl: "/" }); // record URLs already include the site's base path
    return pf;
  }),
);
const pagefind = { search: searchShards };
let districts = null; // loaded the first time a postcode is used
let here = null; // {lat, lon, label} from the postcode or the browser's location
let shown = [];
let run = 0;

function state() {
  const p = new URLSearchParams(location.search);
  return {
    q: p.get("q") || "",
    filters: Object.fromEntries(FILTERS.map((f) => [f, p.getAll(f)])),
    postcode: p.get("postcode") || "",
    radius: p.get("radius") || "",
    sort: p.get("sort") || "",
  };
}

function toUrl(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  const isDefault = (f) => f === "show" && s.filters.show.join() === DEFAULT_SHOW.join();
  for (const f of FILTERS) if (!isDefault(f)) for (const v of s.filters[f]) p.append(f, v);
  for (const k of ["postcode", "radius", "sort"]) if (s[k]) p.set(k, s[k]);
  const query = p.toString();
  return location.pathname + (query ? `?${query}` : "");
}

function fromForm() {
  const filters = Object.fromEntries(FILTERS.map((f) => [f, [...form.querySelectorAll(`input[name="${f}"]:checked`)].map((c) => c.value)]));
  return { q: input.value.trim(), filters, postcode: form.postcode.value.trim(), radius: form.radius.value, sort: form.sort.value };
}

function toForm(s) {
  input.value = s.q;
  for (const c of form.querySelectorAll("input[type=checkbox]")) c.checked = s.filters[c.name].includes(c.value);
  if (!s.filters.show.length) for (const c of form.querySelectorAll('input[name="show"]')) c.checked = DEFAULT_SHOW.includes(c.value);
  form.postcode.value = s.postcode;
  form.radius.value = s.radius;
  form.sort.value = s.sort;
  openChosen();
}

// A group holding a chosen value is shown open, so no choice is hidden from the reader.
function openChosen() {
  for (const group of groups) if (group.querySelector("input:checked")) group.open = true;
  if (form.postcode.value) form.postcode.closest("details").open = true;
}

// Each heading names what is chosen under it; the panel's names every choice but the default.
function showChoices() {
  const all = [];
  for (const group of groups) {
    const chosen = [...group.querySelectorAll("input:checked")].map((c) => c.value);
    if (group.contains(form.postcode) && form.postcode.value) chosen.push(form.postcode.value.toUpperCase());
    group.querySelector("[data-chosen]").textContent = chosen.length ? `: ${chosen.join(", ")}` : "";
    if (chosen.join() !== DEFAULT_SHOW.join() || !group.querySelector('input[name="show"]')) all.push(...chosen);
  }
  panel.querySelector("[data-chosen-all]").textContent = all.length ? `: ${all.join(", ")}` : "";
}

// Every filter is named, empty when nothing is chosen (an empty one narrows nothing).
function pagefindFilters(s, except) {
  const out = {};
  for (const f of FILTERS) {
    const chosen = f === "show" && !s.filters.show.length ? DEFAULT_SHOW : s.filters[f];
    out[f] = { any: f === except ? [] : chosen };
  }
  return out;
}

// Counts add up across shards (each record is in one shard). Unsorted results merge by score, as
// Pagefind's own mergeIndex does; sorted ones by a lazy k-way merge on the sort key in the meta.
async function searchShards(term, options) {
  const all = await Promise.all(shards.map((pf) => pf.search(term, options)));
  if (all.length === 1) return all[0];
  const sum = (key) => {
    const out = {};
    for (const one of all)
      for (const [f, values] of Object.entries(one[key] || {}))
        for (const [v, n] of Object.entries(values)) (out[f] ??= {})[v] = (out[f][v] || 0) + n;
    return out;
  };
  const [filters, totalFilters] = [sum("filters"), sum("totalFilters")];
  const lists = all.map((one) => one.results.map(cached));
  if (!options.sort) return { filters, totalFilters, results: lists.flat().sort((a, b) => b.score - a.score) };
  const [[key, direction]] = Object.entries(options.sort);
  return { filters, totalFilters, results: mergeSorted(lists, `sort_${key}`, direction === "desc") };
}

function cached(result) {
  let loaded;
  return { ...result, data: () => (loaded ??= result.data()) };
}

function mergeSorted(lists, key, desc) {
  const out = [];
  const at = lists.map(() => 0);
  out.total = lists.reduce((n, l) => n + l.length, 0);
  out.ensure = async (n) => {
    while (out.length < Math.min(n, out.total)) {
      let best = -1;
      let bestKey = null;
      for (let i = 0; i < lists.length; i++) {
        if (at[i] >= lists[i].length) continue;
        const k = (await lists[i][at[i]].data()).meta[key] ?? "";
        if (best < 0 || (desc ? k > bestKey : k < bestKey)) [best, bestKey] = [i, k];
      }
      out.push(lists[best][at[best]++]);
    }
  };
  return out;
}

const total = (results) => results.total ?? results.length;

function pagefindSort(s) {
  if (s.sort === "date" || s.sort === "closes") return { [s.sort]: "asc" };
  if (s.sort === "published") return { published: "desc" };
  return undefined;
}

async function locate(s) {
  nearLine.textContent = "";
  if (!s.postcode) return here && here.label === "your location" ? here : null;
  districts ??= await (await fetch(`${base}search/districts.json`)).json();
  const compact = s.postcode.toUpperCase().replace(/\s+/g, "");
  const district = compact.length >= 5 ? compact.slice(0, -3) : compact;
  if (!districts[district]) {
    nearLine.textContent = `We do not know where the postcode district ${district} is, so results are not sorted or limited by distance.`;
    return null;
  }
  const [lat, lon] = districts[district];
  return { lat, lon, label: district };
}

function miles(a, b) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 3958.8 * 2 * Math.asin(Math.sqrt(h));
}

async function update() {
  const mine = ++run;
  list.setAttribute("aria-busy", "true");
  const s = state();
  showChoices();
  if (!s.q && !s.postcode && !FILTERS.some((f) => f !== "show" && s.filters[f].length)) {
    // Nothing asked yet: listing the whole register would be slow on a large one, and the
    // browse pages do that better.
    list.replaceChildren();
    more.hidden = true;
    countLine.textContent = "Type a keyword or choose a filter to see results.";
    list.setAttribute("aria-busy", "false");
    return;
  }
  const term = s.q || null;
  const search = await pagefind.search(term, { filters: pagefindFilters(s), sort: pagefindSort(s) });
  here = (await locate(s)) ?? (s.postcode ? null : here);
  let results = search.results;
  if (here) {
    await results.ensure?.(NEAR_LIMIT);
    const loaded = await Promise.all(results.slice(0, NEAR_LIMIT).map((r) => r.data()));
    let items = loaded.map((d) => ({ d, distance: d.meta.lat ? miles(here, { lat: +d.meta.lat, lon: +d.meta.lon }) : null }));
    if (s.radius) items = items.filter((i) => i.distance === null || i.distance <= +s.radius);
    if (s.sort === "distance" || !s.sort) items.sort((a, b) => (a.distance ?? 1e9) - (b.distance ?? 1e9));
    results = items.map((i) => ({ data: async () => i.d, distance: i.distance }));
    if (total(search.results) > NEAR_LIMIT) nearLine.textContent = `Only the first ${NEAR_LIMIT} matches are placed by distance; add a keyword or filter to narrow them.`;
  }
  if (mine !== run) return; // a newer search has started
  shown = results;
  list.replaceChildren();
  await showMore(mine); // the cards first: counts cost a further search per filter in use
  if (mine !== run) return;
  const counts = await filterCounts(s, term, search);
  if (mine !== run) return;
  for (const c of form.querySelectorAll("input[type=checkbox]")) {
    const n = counts[c.name]?.[c.value] ?? 0;
    c.labels[0].querySelector("[data-count]").textContent = `(${n})`;
  }
  // Announced once the cards are in place, so a screen reader's next move lands on them.
  const n = total(results);
  countLine.textContent = `${n} ${n === 1 ? "result" : "results"}${s.q ? ` for “${s.q}”` : ""}${here ? ` near ${here.label}` : ""}`;
  list.setAttribute("aria-busy", "false");
}

// Counts for each filter ignore that filter's own choices: values of one filter combine with
// OR, so the count beside "North West" is what ticking it would add. A filter with nothing
// chosen takes its counts from the main search; the only filter in use takes them from the
// main search's unfiltered counts. Any other filter in use costs one more search.
async function filterCounts(s, term, search) {
  const inUse = FILTERS.filter((f) => pagefindFilters(s)[f].any.length);
  const counts = {};
  await Promise.all(
    FILTERS.map(async (f) => {
      if (!inUse.includes(f)) counts[f] = search.filters[f] || {};
      else if (inUse.length === 1) counts[f] = search.totalFilters[f] || {};
      else counts[f] = (await pagefind.search(term, { filters: pagefindFilters(s, f) })).filters[f] || {};
    }),
  );
  return counts;
}

async function showMore(mine = run) {
  const start = list.children.length;
  await shown.ensure?.(start + PAGE);
  if (mine !== run) return;
  const batch = await Promise.all(shown.slice(start, start + PAGE).map(async (r) => [await r.data(), r.distance]));
  if (mine !== run) return;
  for (const [d, distance] of batch) list.append(card(d, distance));
  more.hidden = list.children.length >= total(shown);
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

function card(d, distance) {
  const li = document.createElement("li");
  li.className = "card";
  const h = document.createElement("h3");
  h.className = "card-title";
  const a = document.createElement("a");
  a.href = d.url;
  a.textContent = d.meta.title;
  h.append(a);
  const who = document.createElement("p");
  who.className = "card-employer";
  who.textContent = d.meta.employer;
  const dl = document.createElement("dl");
  dl.className = "card-facts";
  fact(dl, "Type", d.meta.type);
  fact(dl, "Where", d.meta.where + (distance != null ? ` (${Math.round(distance)} miles)` : ""));
  fact(dl, "When", d.meta.when);
  if (d.meta.hours) fact(dl, "CPD", `${d.meta.hours} ${d.meta.hours === "1" ? "hour" : "hours"}`);
  li.append(h, who, dl);
  if (d.meta.state && d.meta.state !== "open" && d.meta.state !== "employer") {
    const tag = document.createElement("p");
    tag.className = "tag";
    tag.textContent = { closed: "Applications closed", past: "Took place", withdrawn: "Withdrawn" }[d.meta.state];
    li.append(tag);
  }
  return li;
}

// On submit, words in the keyword box that name a type, region or format become that filter,
// so "online CPD in engineering in the North West" is one action. Only these three: subject
// and sector names are ordinary keywords too ("chemistry" should find text about chemistry).
const NAMED = ["type", "region", "format"];
const LINKING = new Set(["a", "an", "and", "around", "at", "for", "in", "near", "of", "on", "or", "the", "with"]);

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
  input.value = text.split(/\s+/).filter((w) => w && !LINKING.has(w.toLowerCase())).join(" ");
  const named = boxes.filter((c) => found.includes(c)).map((c) => c.value); // in the page's order
  understood.textContent = `Filtered by ${named.join(", ")}${input.value ? `; searching for “${input.value}”` : ""}.`;
  openChosen();
}

function commit(push = true) {
  const url = toUrl(fromForm());
  if (url !== location.pathname + location.search) history[push ? "pushState" : "replaceState"](null, "", url);
  update();
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
  typing = setTimeout(() => commit(false), 300);
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
      form.postcode.value = "";
      form.sort.value = "distance";
      commit();
    },
    () => {
      nearLine.textContent = "Your browser did not share your location. Enter a postcode instead.";
    },
  );
});
window.addEventListener("popstate", () => {
  toForm(state());
  update();
});

toForm(state());
update();
