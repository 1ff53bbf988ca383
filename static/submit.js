// Submit form: check the answers in the browser, then prepare the entry file (YAML) to send.
// The mapping from answers to an entry mirrors stemx/forms.py (to_entry); the validator in
// the pull request checks the file again, so nothing here is trusted on its own.

const setup = JSON.parse(document.getElementById("submit-setup").textContent);
const form = document.getElementById("submit-form");
const summary = document.getElementById("error-summary");
const result = document.getElementById("result");
const output = document.getElementById("yaml");
document.getElementById("submit-nojs").hidden = true;
document.getElementById("submit-app").hidden = false;

const value = (id) => (form.elements[id] ? String(form.elements[id].value || "").trim() : "");
const checked = (id) => [...form.querySelectorAll(`input[name="${id}"]:checked`)].map((c) => c.value);
const DATE_LINE = /^(\d{4}-\d{2}-\d{2})(?:\s+to\s+(\d{4}-\d{2}-\d{2}))?(?:\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2}))?$/;

function dates(text) {
  const sessions = [];
  const lines = text.split("\n").map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue;
    const m = DATE_LINE.exec(lines[i]);
    if (!m) return `Line ${i + 1} of the dates is not like 2027-03-10, 2027-03-10 to 2027-03-12, or 2027-03-10 09:30-13:00`;
    const s = { start: m[1], end: m[2] || m[1] };
    if (m[3]) Object.assign(s, { start_time: m[3], end_time: m[4] });
    sessions.push(s);
  }
  return sessions;
}

function number(text) {
  const n = Number(text.replace(/[£,]/g, ""));
  return text === "" || Number.isNaN(n) ? text : n;
}

function entry() {
  const e = { id: value("id") };
  const put = (key, v) => {
    if (v !== "" && !(Array.isArray(v) && !v.length)) e[key] = v;
  };
  const location = {};
  for (const k of ["name", "address", "postcode", "region"]) if (value(`location_${k}`)) location[k] = value(`location_${k}`);
  if (setup.kind === "employer") {
    for (const k of ["name", "org_id", "summary", "description", "website", "sector", "size"]) put(k, value(k));
    if (Object.keys(location).length) e.locations = [location];
    put("regions_served", checked("regions_served"));
    put("subjects", checked("subjects"));
    const contact = {};
    for (const k of ["team", "email", "url", "phone"]) if (value(`contact_${k}`)) contact[k] = value(`contact_${k}`);
    contact.publish = form.elements.contact_publish.checked;
    e.contact = contact;
    e.registered = setup.today;
  } else {
    for (const k of ["employer", "title", "summary", "description", "type"]) put(k, value(k));
    put("audience", checked("audience"));
    put("subjects", checked("subjects"));
    put("format", value("format"));
    if (Object.keys(location).length && value("format") !== "online") e.location = location;
    const sessions = dates(value("dates"));
    e.availability = Array.isArray(sessions) && sessions.length ? { kind: "dates", dates: sessions } : { kind: "on-request" };
    if (value("availability_notes")) e.availability.notes = value("availability_notes");
    put("duration_hours", number(value("duration_hours")));
    put("capacity", number(value("capacity")));
    e.cost = value("cost") ? number(value("cost")) : 0;
    put("closes", value("closes"));
    e.how_to_apply = { instructions: value("apply_instructions") };
    if (value("apply_email")) e.how_to_apply.email = value("apply_email");
    if (value("apply_url")) e.how_to_apply.url = value("apply_url");
    const requirements = value("requirements").split("\n").map((l) => l.replace(/^[-*]\s*/, "").trim()).filter(Boolean);
    if (requirements.length) e.requirements = requirements;
    put("accessibility", value("accessibility"));
    e.published = setup.today;
  }
  e.reviewed = setup.today;
  return e;
}

// YAML from plain data. Every string is written JSON-quoted (valid YAML), so no answer can
// become a key, a tag or another document.
function yaml(data, indent = "") {
  const scalar = (v) => (typeof v === "string" ? JSON.stringify(v) : String(v));
  const lines = [];
  for (const [k, v] of Object.entries(data)) {
    if (Array.isArray(v)) {
      lines.push(`${indent}${k}:`);
      for (const item of v) {
        if (item && typeof item === "object") {
          const inner = yaml(item, `${indent}    `).split("\n");
          lines.push(`${indent}  - ${inner[0].trimStart()}`, ...inner.slice(1));
        } else lines.push(`${indent}  - ${scalar(item)}`);
      }
    } else if (v && typeof v === "object") {
      lines.push(`${indent}${k}:`, yaml(v, `${indent}  `));
    } else lines.push(`${indent}${k}: ${scalar(v)}`);
  }
  return lines.join("\n");
}

function problems() {
  const found = [];
  for (const field of form.querySelectorAll("input, select, textarea")) {
    if (field.type === "checkbox") continue;
    if (!field.checkValidity()) {
      const label = form.querySelector(`label[for="${field.id}"]`).firstChild.textContent.trim();
      const lower = label.charAt(0).toLowerCase() + label.slice(1);
      found.push([field.id, field.validity.valueMissing ? `Enter ${lower}` : `${label}: ${document.getElementById(`${field.id}-help`).textContent}`]);
    }
  }
  for (const group of ["regions_served", "subjects", "audience"]) {
    if (form.querySelector(`input[name="${group}"]`) && !checked(group).length) found.push([group, `Choose at least one: ${form.querySelector(`#q-${group} legend`).firstChild.textContent.trim()}`]);
  }
  if (setup.kind === "opportunity") {
    const d = dates(value("dates"));
    if (typeof d === "string") found.push(["dates", d]);
    if (value("format") !== "online" && !value("location_postcode")) found.push(["location_postcode", "Enter the postcode of the location, or choose Online as the format"]);
    if (!value("apply_email") && !value("apply_url")) found.push(["apply_email", "Give an email address or a web address for applications"]);
  } else if (!value("contact_email") && !value("contact_url")) found.push(["contact_email", "Give a contact email address or a contact page"]);
  return found;
}

function show(found) {
  for (const q of form.querySelectorAll(".question")) {
    q.classList.remove("has-error");
    const message = q.querySelector(".error-message");
    if (message) message.hidden = true;
  }
  const list = summary.querySelector("ul");
  list.replaceChildren();
  for (const [id, text] of found) {
    const question = document.getElementById(`q-${id}`);
    question.classList.add("has-error");
    const message = document.getElementById(`${id}-error`);
    if (message) {
      message.textContent = text;
      message.hidden = false;
    }
    const a = document.createElement("a");
    a.href = `#q-${id}`;
    a.textContent = text;
    const li = document.createElement("li");
    li.append(a);
    list.append(li);
  }
  summary.hidden = !found.length;
  if (found.length) summary.focus();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const found = problems();
  show(found);
  if (found.length) {
    result.hidden = true;
    return;
  }
  const e = entry();
  const text = `# Prepared with the submit form on ${setup.today}.\n${yaml(e)}\n`;
  output.value = text;
  const file = `${e.id}.yaml`;
  document.getElementById("open-github").href = `${setup.newFile}?filename=${encodeURIComponent(file)}&value=${encodeURIComponent(text)}`;
  const download = document.getElementById("download");
  download.href = URL.createObjectURL(new Blob([text], { type: "text/yaml" }));
  download.download = file;
  result.hidden = false;
  document.getElementById("result-heading").focus();
});

document.getElementById("copy").addEventListener("click", async () => {
  const status = document.getElementById("copy-status");
  try {
    await navigator.clipboard.writeText(output.value);
    status.textContent = "Copied.";
  } catch {
    output.select();
    status.textContent = "Select all the text in the box and copy it.";
  }
});
