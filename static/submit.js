// The submit page: keep a draft as the person types, pick the employer from the register, check
// the answers (submit-rules.js), then offer three ways to send the entry: by email (no account),
// through GitHub's issue form, or as a file for Git users. Nothing is sent by this script.
import { read, sections, slug, yaml } from "./submit-rules.js";

const MAX_LINK = 8000; // GitHub refuses longer addresses; past this, copy or download instead
const MAX_MAILTO = 1800; // some email programs cut longer mailto: links; past this, copy the message
const $ = (id) => document.getElementById(id);

const form = $("submit-form");
const desc = JSON.parse(form.dataset.form);
const draftKey = `stemx-draft-${desc.kind}`;
const summary = $("error-summary");
const warningBox = $("warning-summary");
let made = null;

// ---- Answers: read from the page, and put back (a restored draft)

function rawAnswer(field) {
  if (field.kind === "multiselect") {
    return [...form.querySelectorAll(`input[name='${field.id}']:checked`)].map((c) => c.value);
  }
  if (field.kind === "yesno") {
    const chosen = form.querySelector(`input[name='${field.id}']:checked`);
    return chosen ? chosen.value : "";
  }
  if (field.id === "employer") return $("employer").dataset.id || $("employer").value.trim();
  return $(field.id).value.replace(/\r\n?/g, "\n").trim();
}

const answers = () => Object.fromEntries(desc.fields.map((f) => [f.id, rawAnswer(f)]));

function restore(saved) {
  for (const f of desc.fields) {
    const v = saved[f.id];
    if (v === undefined) continue;
    if (f.kind === "multiselect" || f.kind === "yesno") {
      for (const box of form.querySelectorAll(`input[name='${f.id}']`)) box.checked = [].concat(v).includes(box.value);
    } else if (f.id === "employer") {
      $("employer").value = saved.employerName || v;
      if (saved.employerName) $("employer").dataset.id = v;
    } else {
      $(f.id).value = v;
    }
  }
}

// ---- The draft: saved in this browser as it is typed, restored on return

function saveDraft() {
  try {
    const saved = { ...answers(), employerName: desc.kind === "opportunity" ? $("employer").value : undefined };
    localStorage.setItem(draftKey, JSON.stringify(saved));
  } catch {
    /* private browsing or full storage: the form still works, without a draft */
  }
}

function loadDraft() {
  try {
    const saved = JSON.parse(localStorage.getItem(draftKey) || "null");
    if (saved && Object.values(saved).some((v) => v && v.length)) {
      restore(saved);
      $("draft-status").textContent = "Your answers from last time are back. Carry on, or start again.";
    }
  } catch {
    /* a draft that cannot be read is left alone */
  }
}

function startAgain() {
  try {
    localStorage.removeItem(draftKey);
  } catch {
    /* nothing saved */
  }
  form.reset();
  if ($("employer")) delete $("employer").dataset.id;
  clearProblems();
  $("result").hidden = true;
  $("draft-status").textContent = "Started again: the form is empty and nothing is saved.";
  form.querySelector("input, select, textarea").focus();
}

// ---- The employer, picked by name from the register (files of names by their words' first two letters)

const shards = new Map();
let shardIndex = null;

// The file for a typed word: its whole word ("engineering$"), else the longest prefix with a file;
// "" when files exist only for longer prefixes (a few more letters are needed); null when no
// registered name has a word starting so.
function keyFor(word, index) {
  if (index[`${word}$`] !== undefined) return `${word}$`;
  for (let n = word.length; n >= 2; n--) if (index[word.slice(0, n)] !== undefined) return word.slice(0, n);
  return Object.keys(index).some((k) => k.startsWith(word)) ? "" : null;
}

async function employersFor(words) {
  shardIndex ??= fetch(new URL(`${form.dataset.employers}index.json`, location.href))
    .then((r) => (r.ok ? r.json() : {}))
    .catch(() => ({}));
  const index = await shardIndex;
  const found = words.map((w) => keyFor(w, index));
  if (found.includes(null)) return []; // a word no registered name has
  const keys = found.filter(Boolean);
  if (!keys.length) return null;
  const key = keys.reduce((a, b) => (index[b] < index[a] ? b : a)); // the most specific word
  if (!shards.has(key)) {
    const url = new URL(`${form.dataset.employers}${encodeURIComponent(key)}.json`, location.href);
    shards.set(key, fetch(url).then((r) => (r.ok ? r.json() : [])).catch(() => []));
  }
  return shards.get(key);
}

function setUpPicker() {
  const input = $("employer");
  const list = $("employer-options");
  const note = $("employer-found");
  let asked = "";
  const choose = (matches) => {
    const exact = matches.find((m) => m[1].toLowerCase() === input.value.trim().toLowerCase());
    if (exact) {
      input.dataset.id = exact[0];
      note.textContent = `Chosen: ${exact[1]} (${exact[2]}).`;
    } else {
      delete input.dataset.id;
      note.textContent = input.value.trim().length >= 2 && !matches.length ? "No registered organisation has that name yet." : "";
    }
  };
  input.addEventListener("input", async () => {
    const words = slug(input.value).split("-").filter((w) => w.length >= 2);
    if (!words.length) return choose([]);
    const query = words.join(" ");
    asked = query;
    const found = await employersFor(words);
    if (asked !== query) return; // a later keystroke has asked again
    if (found === null) {
      note.textContent = "Keep typing…";
      return;
    }
    const matches = found.filter(([id, name]) => {
      const own = slug(name).split("-");
      return words.every((w) => own.some((o) => o.startsWith(w))) || id === slug(input.value);
    });
    list.replaceChildren(
      ...matches.slice(0, 20).map(([, name, where]) => Object.assign(document.createElement("option"), { value: name, label: where }))
    );
    choose(matches);
    saveDraft();
  });
}

// ---- Problems and warnings

function target(id) {
  const el = $(id);
  return el.tagName === "DIV" || el.tagName === "FIELDSET" ? el.querySelector("input") : el;
}

function openSection(id) {
  const details = $(`q-${id}`).closest("details");
  if (details) details.open = true;
}

function clearProblems() {
  summary.hidden = true;
  warningBox.hidden = true;
  summary.querySelector("ul").textContent = "";
  warningBox.querySelector("ul").textContent = "";
  for (const f of desc.fields) {
    const err = $(`${f.id}-error`);
    if (err) {
      err.hidden = true;
      err.textContent = "";
    }
    const el = target(f.id);
    el.removeAttribute("aria-invalid");
    $(`q-${f.id}`).classList.remove("has-error");
  }
}

function list(box, items, prefix) {
  const ul = box.querySelector("ul");
  for (const p of items) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = `#${target(p.id).id}`;
    a.textContent = p.message;
    a.addEventListener("click", (event) => {
      event.preventDefault();
      openSection(p.id);
      target(p.id).focus();
    });
    li.append(a);
    ul.append(li);
    const err = $(`${p.id}-error`);
    if (err && err.hidden) {
      err.hidden = false;
      err.textContent = `${prefix}: ${p.message}`;
    }
    if (prefix === "Error") {
      target(p.id).setAttribute("aria-invalid", "true");
      $(`q-${p.id}`).classList.add("has-error");
    }
    openSection(p.id);
  }
  box.hidden = !items.length;
}

// ---- The three routes

function showResult(r, given) {
  const text = `# ${desc.kind === "employer" ? "Employer" : "Opportunity"} entry prepared with the submit form.\n${yaml(r.entry)}\n`;
  const filename = `${r.entry.id}.yaml`;
  $("filename").textContent = `content/${desc.folder}/${filename}`;
  $("yaml").value = text;
  $("copy-status").textContent = "";

  // 1. Email: the answers as the issue forms word them, between lines the maintainers' command looks for.
  const forEmail = { ...given };
  if (desc.kind === "opportunity") forEmail.employer = `${$("employer").value} (${given.employer})`;
  const message = `Hello,\n\nPlease add this to the register.\n\n----- ${form.dataset.formName} -----\n${sections(desc, forEmail)}----- End of the entry -----\n`;
  const subject = `${form.dataset.formName}: ${r.entry.name || r.entry.title}`;
  const mailto = `mailto:${form.dataset.inbox}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(message)}`;
  const tooLongForEmail = mailto.length > MAX_MAILTO;
  $("send-email").href = tooLongForEmail ? `mailto:${form.dataset.inbox}?subject=${encodeURIComponent(subject)}` : mailto;
  $("email-too-long").hidden = !tooLongForEmail;
  $("message").value = message;

  // 2. GitHub's issue form, filled in by its question ids.
  let issue = form.dataset.issueForm;
  for (const f of desc.fields) {
    if (["text", "textarea", "dates"].includes(f.kind) && forEmail[f.id] && issue.length + forEmail[f.id].length * 3 < MAX_LINK) {
      issue += `&${f.id}=${encodeURIComponent(forEmail[f.id])}`;
    }
  }
  $("open-issue").href = issue;

  // 3. The file, for Git users.
  const newFile = `${form.dataset.newFile}?filename=${encodeURIComponent(filename)}`;
  const withValue = `${newFile}&value=${encodeURIComponent(text)}`;
  $("open-github").href = withValue.length > MAX_LINK ? newFile : withValue;
  $("too-long").hidden = withValue.length <= MAX_LINK;
  if (made) URL.revokeObjectURL(made.url);
  const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
  $("download").href = url;
  $("download").setAttribute("download", filename);

  $("result").hidden = false;
  $("result-heading").focus();
  return { text, message, filename, url };
}

async function copy(text, area, done) {
  const status = $("copy-status");
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = done;
  } catch {
    area.hidden = false;
    area.focus();
    area.select();
    status.textContent = "It is selected: press Ctrl+C (or Cmd+C) to copy it.";
  }
}

// ---- Setting up

$("submit-nojs").hidden = true;
$("submit-app").hidden = false;
if (desc.kind === "opportunity") setUpPicker();
loadDraft();

const nameField = $(desc.kind === "employer" ? "name" : "title");
nameField.addEventListener("change", () => {
  if (!$("id").dataset.edited) $("id").value = slug(nameField.value);
});
$("id").addEventListener("input", () => {
  $("id").dataset.edited = "yes";
});
form.addEventListener("input", saveDraft);
form.addEventListener("change", saveDraft);
$("start-again").addEventListener("click", startAgain);

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearProblems();
  const given = answers();
  const r = read(desc, given);
  if (r.problems.length) {
    $("result").hidden = true;
    list(summary, r.problems, "Error");
    summary.focus();
    return;
  }
  list(warningBox, r.warnings, "Check this");
  made = showResult(r, given);
});

$("copy-message").addEventListener("click", () => made && copy(made.message, $("message"), "Copied the message."));
$("copy").addEventListener("click", () => made && copy(made.text, $("yaml"), "Copied the file."));
$("download").addEventListener("click", () => {
  if (made) $("copy-status").textContent = `Downloading ${made.filename}.`;
});
for (const link of document.querySelectorAll("[data-route]")) {
  link.addEventListener("click", () => {
    const next = $("next-link");
    next.href = `${form.dataset.next}#${link.dataset.route}`;
    next.parentElement.hidden = false;
  });
}
// Date pickers beside the typed dates: a picked date goes in as YYYY-MM-DD, which the form reads too.
for (const picker of document.querySelectorAll("[data-adds-to]")) {
  picker.addEventListener("change", () => {
    const box = $(picker.dataset.addsTo);
    if (!picker.value) return;
    box.value = box.tagName === "TEXTAREA" && box.value.trim() ? `${box.value.trim()}\n${picker.value}` : picker.value;
    saveDraft();
  });
}
