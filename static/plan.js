// The shortlist and CPD planner. "Save to my plan" on cards and opportunity pages keeps the
// opportunity in this browser (localStorage); the My plan page lists what is saved in date
// order, with a chosen date for each, clashes, closing dates coming up and CPD hours against
// a yearly target, by term; it exports a calendar file and a spreadsheet, and shares the plan
// as a link. Nothing is sent anywhere: the plan page only reads the site's own pages, to see
// what has changed or been withdrawn since saving. Without JavaScript none of this is shown.

const KEY = "stemx-plan";
const SOON = 14; // days: a closing date this near is flagged
const $ = (id) => document.getElementById(id);

export function emptyPlan() {
  return { items: {}, target: 30 };
}

function load() {
  try {
    const plan = JSON.parse(localStorage.getItem(KEY) || "null");
    return plan && typeof plan.items === "object" ? plan : emptyPlan();
  } catch {
    return emptyPlan();
  }
}

function store(plan) {
  try {
    localStorage.setItem(KEY, JSON.stringify(plan));
  } catch {
    /* private browsing: the plan lasts as long as the page */
  }
}

// ---- Dates

const day = (iso) => new Date(`${iso}T00:00:00Z`);
const isoDay = (d) => d.toISOString().slice(0, 10); // of a UTC midnight, as day() makes them
// The teacher's own date (as submit-rules.js today()): just after midnight in summer, the UTC
// date is still yesterday's.
const localDay = (d = new Date()) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
const short = (iso) =>
  day(iso).toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

export function sessionText(s) {
  let text = s.end === s.start ? short(s.start) : `${short(s.start)} to ${short(s.end)}`;
  if (s.startTime && s.endTime) text += `, ${s.startTime} to ${s.endTime}`;
  return text;
}

// The school year (September to August) that a day falls in, and its terms.
export function schoolYear(today) {
  const y = today.getUTCMonth() >= 8 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
  return {
    label: `${y} to ${y + 1}`,
    start: `${y}-09-01`,
    end: `${y + 1}-08-31`,
    terms: [
      ["Autumn term", `${y}-09-01`, `${y}-12-31`],
      ["Spring term", `${y + 1}-01-01`, `${y + 1}-03-31`],
      ["Summer term", `${y + 1}-04-01`, `${y + 1}-08-31`],
    ],
  };
}

// Two chosen dates clash when their days overlap and, on a single shared day with times, their times do.
export function clash(a, b) {
  if (a.end < b.start || b.end < a.start) return false;
  const timed = a.startTime && b.startTime && a.start === a.end && b.start === b.end;
  return !timed || (a.startTime < b.endTime && b.startTime < a.endTime);
}

// Europe/London wall-clock time as UTC, for calendar files that need no time-zone block.
export function londonToUtc(date, time) {
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).formatToParts(new Date(guess));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  const shown = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"));
  return new Date(guess - (shown - guess));
}

// ---- What the plan holds, worked out

// The session a saved item is planned for: the one chosen, else its only (or next) date.
export function chosenSession(item, today) {
  const sessions = item.current?.sessions ?? item.snapshot?.sessions ?? [];
  if (!sessions.length) return null;
  if (item.chosen != null && sessions[item.chosen]) return sessions[item.chosen];
  return sessions.find((s) => s.end >= today) ?? sessions.at(-1);
}

export function summary(plan, today) {
  const year = schoolYear(day(today));
  const rows = year.terms.map(([name, from, to]) => ({ name, from, to, planned: 0, done: 0 }));
  const undated = { name: "No date yet", planned: 0, done: 0 };
  let planned = 0;
  let done = 0;
  for (const item of Object.values(plan.items)) {
    const info = item.current ?? item.snapshot;
    if (!info || item.status === "gone") continue;
    const s = chosenSession(item, today);
    if (s && (s.start < year.start || s.start > year.end)) continue; // another school year
    const row = s ? rows.find((r) => s.start >= r.from && s.start <= r.to) : undated;
    const key = item.done ? "done" : "planned";
    row[key] += info.hours;
    if (item.done) done += info.hours;
    else planned += info.hours;
  }
  return { year, rows: undated.planned || undated.done ? [...rows, undated] : rows, planned, done };
}

// ---- Save buttons, on cards and opportunity pages

function syncButton(button, plan) {
  const saved = Boolean(plan.items[button.dataset.save]);
  button.setAttribute("aria-pressed", String(saved));
  button.textContent = saved ? "Saved to my plan (remove)" : "Save to my plan";
}

function wire(button, here) {
  syncButton(button, load());
  button.addEventListener("click", () => {
    const now = load();
    const id = button.dataset.save;
    if (now.items[id]) delete now.items[id];
    else now.items[id] = { id, url: button.dataset.url, title: button.dataset.title, snapshot: here?.id === id ? here : null, chosen: null, done: false };
    store(now);
    for (const b of document.querySelectorAll(`[data-save="${CSS.escape(id)}"]`)) syncButton(b, now);
  });
}

function setUpSaveButtons() {
  const here = $("plan-item") ? JSON.parse($("plan-item").textContent) : null;
  for (const button of document.querySelectorAll("[data-save]")) {
    button.closest(".save-line").hidden = false;
    wire(button, here);
  }
}

// A "Save to my plan" line for a card built in the page (the search results).
export function saveLine(id, url, title) {
  const p = document.createElement("p");
  p.className = "save-line";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-button";
  Object.assign(button.dataset, { save: id, url, title });
  p.append(button);
  wire(button, null);
  return p;
}

// ---- The My plan page

const same = (a, b) =>
  JSON.stringify([a.title, a.sessions, a.closes, a.where, a.hours, a.cost]) === JSON.stringify([b.title, b.sessions, b.closes, b.where, b.hours, b.cost]);

async function refresh(plan) {
  // Each saved opportunity's page as it is now: changed, withdrawn or gone since saving?
  await Promise.all(
    Object.values(plan.items).map(async (item) => {
      try {
        const response = await fetch(item.url);
        if (response.status === 404) {
          item.status = "gone";
          return;
        }
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const current = JSON.parse(page.getElementById("plan-item").textContent);
        item.current = current;
        item.title = current.title;
        if (!item.snapshot) item.snapshot = current; // saved from a card: first seen now
        item.status = current.state === "withdrawn" ? "withdrawn" : same(current, item.snapshot) ? "" : "changed";
      } catch {
        item.status ??= ""; // offline: show what was saved
      }
    }),
  );
}

function flag(text, kind) {
  const p = document.createElement("p");
  p.className = `tag tag-${kind}`;
  p.textContent = text;
  return p;
}

function renderItem(item, plan, today, clashes) {
  const info = item.current ?? item.snapshot ?? { title: item.title, sessions: [], hours: 0 };
  const li = document.createElement("li");
  li.className = "card plan-item";
  li.dataset.id = item.id;
  const h = document.createElement("h3");
  h.className = "card-title";
  const a = document.createElement("a");
  a.href = item.url;
  a.textContent = info.title;
  h.append(a);
  li.append(h);
  if (item.status === "gone") {
    li.append(flag("No longer listed: the employer has removed it", "withdrawn"));
  } else {
    const who = document.createElement("p");
    who.className = "card-employer";
    who.textContent = [info.employer, info.type, info.where].filter(Boolean).join(" · ");
    li.append(who);
    if (item.status === "withdrawn") li.append(flag("Withdrawn by the employer since you saved it", "withdrawn"));
    if (item.status === "changed") {
      li.append(flag("Changed since you saved it: check the details", "closed"));
      const ok = document.createElement("button");
      ok.type = "button";
      ok.className = "link-button";
      ok.textContent = "I have checked it";
      ok.addEventListener("click", () => update(plan, (p) => {
        p.items[item.id].snapshot = item.current;
        p.items[item.id].status = "";
      }));
      li.append(ok);
    }
    const s = chosenSession(item, today);
    if (info.sessions.length > 1) {
      const label = document.createElement("label");
      label.className = "label";
      label.htmlFor = `when-${item.id}`;
      label.textContent = "Which date?";
      const select = document.createElement("select");
      select.id = `when-${item.id}`;
      info.sessions.forEach((session, i) => {
        const option = new Option(sessionText(session) + (session.end < today ? " (taken place)" : ""), String(i));
        option.selected = session === s;
        select.append(option);
      });
      select.addEventListener("change", () => update(plan, (p) => (p.items[item.id].chosen = Number(select.value))));
      li.append(label, select);
    } else {
      const when = document.createElement("p");
      when.textContent = s ? sessionText(s) : `On request${info.notes ? `: ${info.notes}` : ""}`;
      li.append(when);
    }
    const facts = document.createElement("p");
    facts.textContent = `${info.hours} CPD ${info.hours === 1 ? "hour" : "hours"}`;
    li.append(facts);
    const applyBy = s?.applyBy ?? info.closes;
    if (applyBy && !item.done) {
      const left = (day(applyBy) - day(today)) / 86400000;
      if (left < 0 && item.status !== "withdrawn") li.append(flag(`Applications closed on ${short(applyBy)}`, "past"));
      else if (left <= SOON) li.append(flag(`Apply by ${short(applyBy)}: ${left === 0 ? "today" : `${left} ${left === 1 ? "day" : "days"} left`}`, "closed"));
      else {
        const p = document.createElement("p");
        p.textContent = `Apply by ${short(applyBy)}`;
        li.append(p);
      }
    }
    for (const other of clashes.get(item.id) ?? []) li.append(flag(`Clashes with “${other}”`, "closed"));
    const done = document.createElement("div");
    done.className = "check";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = `done-${item.id}`;
    box.checked = item.done;
    box.addEventListener("change", () => update(plan, (p) => (p.items[item.id].done = box.checked)));
    const boxLabel = document.createElement("label");
    boxLabel.htmlFor = box.id;
    boxLabel.textContent = "Done: count these hours as completed";
    done.append(box, boxLabel);
    li.append(done);
  }
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "link-button";
  remove.textContent = "Remove from my plan";
  remove.addEventListener("click", () => update(plan, (p) => delete p.items[item.id]));
  li.append(remove);
  return li;
}

export function ordered(plan, today) {
  const key = (item) => {
    const s = chosenSession(item, today);
    return s ? `${s.start} ${s.startTime ?? ""}` : "9999"; // undated last
  };
  return Object.values(plan.items).sort((a, b) => key(a).localeCompare(key(b)) || a.title.localeCompare(b.title));
}

export function clashesOf(plan, today) {
  const chosen = ordered(plan, today).filter((i) => !i.done && i.status !== "gone" && i.status !== "withdrawn").map((i) => [i, chosenSession(i, today)]).filter(([, s]) => s && s.end >= today);
  const found = new Map();
  for (const [i, a] of chosen) {
    for (const [j, b] of chosen) if (i !== j && clash(a, b)) found.set(i.id, [...(found.get(i.id) ?? []), (j.current ?? j.snapshot ?? j).title]);
  }
  return found;
}

export function icsText(plan, today) {
  const stamp = `${today.replaceAll("-", "")}T000000Z`;
  const esc = (t) => String(t).replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");
  const utc = (d) => d.toISOString().replace(/[-:]/g, "").slice(0, 15) + "Z";
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//STEM Exchange//My CPD plan//EN", "CALSCALE:GREGORIAN", "X-WR-CALNAME:My CPD plan"];
  for (const item of ordered(plan, today)) {
    const info = item.current ?? item.snapshot;
    const s = chosenSession(item, today);
    if (!info || !s || item.status === "gone") continue;
    const when = s.startTime && s.endTime
      ? [`DTSTART:${utc(londonToUtc(s.start, s.startTime))}`, `DTEND:${utc(londonToUtc(s.end, s.endTime))}`]
      : [`DTSTART;VALUE=DATE:${s.start.replaceAll("-", "")}`, `DTEND;VALUE=DATE:${isoDay(new Date(day(s.end).getTime() + 86400000)).replaceAll("-", "")}`];
    lines.push("BEGIN:VEVENT", `UID:${item.id}-${s.start}@stem-exchange-plan`, `DTSTAMP:${stamp}`, ...when,
      `SUMMARY:${esc(info.title)}`, `LOCATION:${esc(info.where ?? "")}`, `URL:${new URL(item.url, location.href).href}`, "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("\r\n") + "\r\n";
}

// Lines of at most 75 octets, continued on the next line after a space (RFC 5545 section 3.1).
function fold(line) {
  const bytes = new TextEncoder();
  const out = [];
  let current = "";
  for (const char of line) {
    if (bytes.encode(current + char).length > 75) {
      out.push(current);
      current = " ";
    }
    current += char;
  }
  return [...out, current].join("\r\n");
}

export function csvText(plan, today) {
  const cell = (v) => {
    const t = String(v ?? "");
    const safe = /^[=+\-@\t\r]/.test(t) ? `'${t}` : t; // a spreadsheet must not run a cell as a formula
    return /[",\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  const rows = [["title", "employer", "type", "where", "date", "start_time", "end_time", "cpd_hours", "apply_by", "done", "address"]];
  for (const item of ordered(plan, today)) {
    const info = item.current ?? item.snapshot;
    if (!info) continue;
    const s = chosenSession(item, today);
    rows.push([info.title, info.employer, info.type, info.where, s?.start, s?.startTime, s?.endTime, info.hours, s?.applyBy ?? info.closes,
      item.done ? "yes" : "no", new URL(item.url, location.href).href]);
  }
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

// A plan as a link: the saved ids with their chosen dates and done marks, and the target.
export function shareCode(plan) {
  const compact = { t: plan.target, i: Object.values(plan.items).map((i) => [i.id, i.url, i.chosen, i.done ? 1 : 0]) };
  return btoa(unescape(encodeURIComponent(JSON.stringify(compact)))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromShareCode(code) {
  const json = decodeURIComponent(escape(atob(code.replace(/-/g, "+").replace(/_/g, "/"))));
  const compact = JSON.parse(json);
  const plan = emptyPlan();
  plan.target = Number(compact.t) || 30;
  for (const [id, url, chosen, done] of compact.i) {
    if (typeof id !== "string" || typeof url !== "string" || !/^\/(?![/\\])/.test(url)) continue; // only this site's own pages
    plan.items[id] = { id, url, title: id, snapshot: null, chosen: chosen ?? null, done: Boolean(done) };
  }
  return plan;
}

let current = null;
let downloads = [];

function update(plan, change) {
  change(plan);
  store(plan);
  render(plan);
}

function render(plan) {
  current = plan;
  const today = localDay();
  const list = $("plan-list");
  const clashes = clashesOf(plan, today);
  list.replaceChildren(...ordered(plan, today).map((item) => renderItem(item, plan, today, clashes)));
  $("plan-empty").hidden = Object.keys(plan.items).length > 0;
  const s = summary(plan, today);
  $("plan-year").textContent = s.year.label;
  $("plan-target").value = plan.target;
  const left = Math.max(plan.target - s.done - s.planned, 0);
  $("plan-progress").textContent = `${s.done} of ${plan.target} hours done, ${s.planned} more planned${left ? `: ${left} to find` : ": target met"}.`;
  $("plan-terms").tBodies[0].replaceChildren(
    ...s.rows.map((r) => {
      const tr = document.createElement("tr");
      for (const [i, v] of [r.name, r.planned, r.done].entries()) {
        const cell = document.createElement(i ? "td" : "th");
        if (!i) cell.scope = "row";
        cell.textContent = v;
        tr.append(cell);
      }
      return tr;
    }),
  );
  for (const url of downloads) URL.revokeObjectURL(url);
  downloads = [
    URL.createObjectURL(new Blob([icsText(plan, today)], { type: "text/calendar" })),
    URL.createObjectURL(new Blob(["\ufeff" + csvText(plan, today)], { type: "text/csv" })), // the mark lets Excel read UTF-8
  ];
  $("plan-ics").href = downloads[0];
  $("plan-csv").href = downloads[1];
  $("plan-link").value = `${location.origin}${location.pathname}#p=${shareCode(plan)}`;
}

async function setUpPlanPage() {
  $("plan-nojs").hidden = true;
  $("plan-app").hidden = false;
  const plan = load();
  const shared = location.hash.match(/^#p=([\w-]+)$/);
  if (shared) {
    try {
      const incoming = fromShareCode(shared[1]);
      const count = Object.keys(incoming.items).length;
      $("plan-import").hidden = false;
      $("plan-import-text").textContent = `This link holds ${count} ${count === 1 ? "opportunity" : "opportunities"} and a target of ${incoming.target} hours.`;
      $("plan-import-add").addEventListener("click", async () => {
        for (const [id, item] of Object.entries(incoming.items)) plan.items[id] ??= item;
        plan.target = incoming.target;
        $("plan-import").hidden = true;
        history.replaceState(null, "", location.pathname);
        $("plan-status").textContent = "Added. Checking the details…";
        await refresh(plan);
        update(plan, () => {});
        $("plan-status").textContent = "";
      });
      $("plan-import-ignore").addEventListener("click", () => {
        $("plan-import").hidden = true;
        history.replaceState(null, "", location.pathname);
      });
    } catch {
      $("plan-status").textContent = "The link to a plan could not be read; it may have been cut short.";
    }
  }
  $("plan-target").addEventListener("change", () => {
    const target = Number($("plan-target").value);
    if (target > 0) update(current, (p) => (p.target = target));
  });
  $("plan-share").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("plan-link").value);
      $("plan-share-status").textContent = "Copied.";
    } catch {
      $("plan-link").focus();
      $("plan-link").select();
      $("plan-share-status").textContent = "Selected: press Ctrl+C (or Cmd+C) to copy it.";
    }
  });
  render(plan);
  if (Object.keys(plan.items).length) {
    $("plan-status").textContent = "Checking for changes since you saved…";
    await refresh(plan);
    store(plan);
    render(plan);
    $("plan-status").textContent = "";
  }
  document.body.dataset.planReady = "yes"; // tests wait for it
}

if (typeof document !== "undefined") {
  // (node's test runner imports the functions above without a page)
  setUpSaveButtons();
  if ($("plan-app")) setUpPlanPage();
}
