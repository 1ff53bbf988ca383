// The submit form's rules, without the page: read answers forgivingly, check them, give the same
// warnings as `validate`, and write the entry. Everything comes from the form's description
// (generated from the JSON Schema, the answer patterns in stemx/submission/answers.py and the warnings in
// stemx/rules.py); nothing here repeats them. Node's test runner imports this module too.

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const YAML_SPECIAL = /^(y|yes|n|no|true|false|on|off|null|~)$/i;
// Characters a YAML file may hold as they are; anything else is written as an escape.
const PRINTABLE = /^[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
const PLAIN = /^[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f \-_.,;()&'£%/+?!]*$/;

const two = (n) => String(n).padStart(2, "0");

export function today(now = new Date()) {
  return `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}`;
}

// A web address name from a name, as stemx/submission/answers.py slug() makes it.
export function slug(text) {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
}

// ---- Forgiving input, exact output (the same readings as stemx/submission/answers.py)

export function readDate(text) {
  const t = text.trim();
  let d, m, y, found;
  if ((found = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t))) {
    [y, m, d] = [Number(found[1]), Number(found[2]), Number(found[3])];
  } else if ((found = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$/.exec(t))) {
    [d, m, y] = [Number(found[1]), Number(found[2]), Number(found[3])];
    if (y < 100) y += 2000;
  } else if (
    (found = /^(?:[A-Za-z]{3,9},?\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/i.exec(t)) &&
    MONTHS.includes(found[2].slice(0, 3).toLowerCase())
  ) {
    [d, m, y] = [Number(found[1]), MONTHS.indexOf(found[2].slice(0, 3).toLowerCase()) + 1, Number(found[3])];
  } else {
    return null;
  }
  const day = new Date(Date.UTC(y, m - 1, d));
  if (y < 1 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${two(m)}-${two(d)}`;
}

function readTime(text) {
  const [h, m] = text.split(/[:.]/).map(Number);
  return h < 24 && m < 60 ? `${two(h)}:${two(m)}` : null;
}

export function readSession(line, patterns) {
  const found = new RegExp(patterns.dateLine, "i").exec(line.trim());
  if (!found) return null;
  const g = found.groups;
  const start = readDate(g.start);
  const end = g.end ? readDate(g.end) : start;
  if (!start || !end) return null;
  const session = { start, end };
  if (g.st) {
    const [st, et] = [readTime(g.st), readTime(g.et)];
    if (!st || !et) return null;
    Object.assign(session, { start_time: st, end_time: et });
  }
  return session;
}

export function readUrl(text, patterns) {
  const t = text.trim();
  return new RegExp(patterns.bareSite, "i").test(t) ? `https://${t}` : t;
}

export function readPostcode(text) {
  const compact = text.replace(/\s+/g, "").toUpperCase();
  return compact.length >= 5 && compact.length <= 7 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : text.trim().toUpperCase();
}

// The answer in the register's form where it can be read as one (stemx/submission/forms.py tidy()).
export function tidy(field, answer, desc) {
  if (["website", "contact_url", "apply_url"].includes(field.id)) return readUrl(answer, desc.patterns);
  if (field.id === "location_postcode") return readPostcode(answer);
  if (field.id === "closes") return readDate(answer) || answer;
  return answer;
}

// ---- Checking one answer: [value, or undefined when empty; problem or ""]

const lower = (label) => label.charAt(0).toLowerCase() + label.slice(1);
const example = (field) => (field.example ? `, for example ${field.example}` : "");

function lengthProblem(field, text, what) {
  if (field.minLength && text.length < field.minLength) {
    return `${what} needs at least ${field.minLength} characters (it has ${text.length}).`;
  }
  if (field.maxLength && text.length > field.maxLength) {
    return `${what} can have at most ${field.maxLength} characters (it has ${text.length}): please shorten it.`;
  }
  return "";
}

export function check(field, raw, desc, needed) {
  const label = field.label;
  if (field.kind === "yesno") {
    if (raw === "") return [undefined, needed ? `Answer yes or no: ${lower(label)}` : ""];
    return [raw === "yes", ""];
  }
  if (field.kind === "multiselect") {
    if (!raw.length) return [undefined, needed ? `Choose at least one: ${lower(label)}` : ""];
    return [raw, ""];
  }
  let answer = raw === "" && field.default !== undefined ? field.default : raw;
  if (answer === "") {
    if (!needed) return [undefined, ""];
    return [undefined, field.kind === "select" ? `Choose one: ${lower(label)}` : `Answer this question: ${lower(label)}`];
  }
  if (field.kind === "select") return [answer, ""];
  if (field.id === "employer" && !new RegExp(field.pattern).test(answer)) {
    return [undefined, `Choose “${label}” from the list of registered organisations; if it is not there, register it first.`];
  }
  if (field.kind === "dates") {
    const dates = [];
    const lines = answer.split("\n");
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      const session = readSession(lines[i], desc.patterns);
      if (!session) {
        return [undefined, `Line ${i + 1} of the dates (${lines[i].trim().slice(0, 40)}) is not a date we can read: write it like ${desc.dateExamples}, with times as 10 March 2027 09:30-13:00.`];
      }
      dates.push(session);
    }
    return [dates, ""];
  }
  if (field.type === "list") {
    const items = answer.split("\n").map((l) => l.replace(/^[-*\s]+/, "").trim()).filter(Boolean);
    for (const item of items) {
      const p = lengthProblem(field, item, `Each line of “${label}”`);
      if (p) return [undefined, p];
    }
    return [items, ""];
  }
  if (field.type === "number" || field.type === "integer") {
    const bare = answer.replace(/[£,\s]/g, "");
    const n = Number(bare);
    const say = `“${label}” needs a number`;
    if (bare === "" || !Number.isFinite(n)) return [undefined, `${say}${example(field) || ", such as 3 or 2.5"}.`];
    if (field.type === "integer" && !Number.isInteger(n)) return [undefined, `${say} without a fraction, such as 12.`];
    if (field.minimum !== undefined && n < field.minimum) return [undefined, `${say} of ${field.minimum} or more.`];
    if (field.exclusiveMinimum !== undefined && n <= field.exclusiveMinimum) return [undefined, `${say} more than ${field.exclusiveMinimum}.`];
    if (field.maximum !== undefined && n > field.maximum) return [undefined, `${say} of ${field.maximum} or less.`];
    return [n, ""];
  }
  answer = tidy(field, answer, desc);
  if (field.id === "closes" && !/^\d{4}-\d{2}-\d{2}$/.test(answer)) {
    return [undefined, `“${label}” is not a date we can read: write it like ${desc.dateExamples}.`];
  }
  if (field.kind === "text" && answer.includes("\n")) return [undefined, `“${label}” must be on one line.`];
  if (/^###/m.test(answer)) return [undefined, `A line of “${label}” starts with ###: remove the # signs.`]; // the email's question marker
  const problem = lengthProblem(field, answer, `“${label}”`);
  if (problem) return [undefined, problem];
  if (field.pattern && !new RegExp(field.pattern, "u").test(answer)) {
    if (field.pattern === "\\S") return [undefined, `“${label}” has only spaces: write some text.`];
    return [undefined, `“${label}” is not in a form we can use: type it like ${field.example || field.help}.`];
  }
  return [answer, ""];
}

// ---- The same warnings as `validate` (stemx/rules.py browser_warnings)

function personal(email, w) {
  const local = email.split("@")[0].toLowerCase();
  if (w.roleWords.some((word) => local.includes(word))) return false;
  return new RegExp(w.personal).test(local);
}

// Warnings for the answers as checked (values by question id): [{id, message}].
export function warnings(desc, values) {
  const w = desc.warnings;
  const found = [];
  const say = (template, value) => template.replace("{value}", value);
  for (const f of desc.fields) {
    const v = values[f.id];
    if (v === undefined) continue;
    const texts = Array.isArray(v) ? v.filter((x) => typeof x === "string") : typeof v === "string" ? [v] : [];
    if (w.prose.includes(f.dotted)) {
      for (const text of texts) {
        for (const m of text.matchAll(new RegExp(w.email, "g"))) {
          if (personal(m[0], w)) found.push({ id: f.id, message: say(w.messages.personalEmail, m[0]) });
        }
        for (const m of text.matchAll(new RegExp(w.phone, "g"))) {
          found.push({ id: f.id, message: say(w.messages.phoneInText, m[0].trim()) });
        }
      }
    }
    if (w.emails.includes(f.dotted) && texts[0] && personal(texts[0], w)) {
      found.push({ id: f.id, message: say(w.messages.personalEmail, texts[0]) });
    }
    if (w.phones.includes(f.dotted) && texts[0] && new RegExp(w.mobile).test(texts[0])) {
      found.push({ id: f.id, message: w.messages.mobile });
    }
  }
  return found;
}

// ---- The entry from the answers (raw answers by question id: text, lists of codes, "yes"/"no")

function put(entry, path, value) {
  let node = entry;
  for (let i = 0; i < path.length - 1; i++) {
    if (node[path[i]] === undefined) node[path[i]] = typeof path[i + 1] === "number" ? [] : {};
    node = node[path[i]];
  }
  node[path[path.length - 1]] = value;
}

const given = (v) => v !== "" && !(Array.isArray(v) && !v.length);

export function read(desc, answers, stamp = today()) {
  const problems = [];
  const values = {};
  const entry = {};
  const byId = Object.fromEntries(desc.fields.map((f) => [f.id, f]));
  answers = { ...answers };
  const named = desc.kind === "employer" ? answers.name : answers.title;
  if (!answers.id && named) answers.id = slug(named); // made from the name unless changed
  for (const f of desc.fields) {
    // A site is all or nothing: its required parts are needed once any part is given.
    // The web address name is made from the name: without a name, the name's own problem says it all.
    const needed = (f.required && !(f.id === "id" && !named)) || (f.neededWith || []).some((id) => given(answers[id]));
    const [value, problem] = check(f, answers[f.id], desc, needed);
    if (problem) {
      problems.push({ id: f.id, message: problem });
      continue;
    }
    if (value === undefined) continue;
    values[f.id] = value;
    if (f.kind === "dates") {
      put(entry, f.path, value.length ? { kind: "dates", dates: value } : { kind: "on-request" });
    } else {
      put(entry, f.path, value);
    }
  }
  for (const group of desc.anyOf) {
    if (!group.some((id) => given(answers[id]))) {
      const labels = group.map((id) => `“${byId[id].label}”`);
      problems.push({ id: group[0], message: `Answer at least one of ${labels.join(" or ")}.` });
    }
  }
  if (desc.kind === "opportunity" && !(entry.availability || {}).kind) {
    entry.availability = { kind: "on-request", ...(entry.availability || {}) }; // teachers arrange a time
  }
  if (desc.kind === "employer" && entry.contact && entry.contact.publish === undefined) entry.contact.publish = false;
  for (const key of desc.stamps) entry[key] = stamp;
  const ordered = {}; // keys in the schema's order, as every other file in the register
  for (const key of desc.order) if (entry[key] !== undefined) ordered[key] = entry[key];
  return { entry: ordered, problems, warnings: warnings(desc, values) };
}

// ---- Writing: the YAML file (Git route) and the answers as the issue forms word them (email)

function quoted(s) {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function scalar(value, indent) {
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  const s = String(value);
  if (PLAIN.test(s) && !YAML_SPECIAL.test(s) && !/ $/.test(s)) return s;
  if (s.includes("\n") && PRINTABLE.test(s) && !/^\s/.test(s)) {
    const pad = " ".repeat(indent + 2);
    return `|-\n${s.split("\n").map((line) => (line ? pad + line : "")).join("\n")}`;
  }
  return quoted(s);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export function yaml(obj, indent = 0) {
  const pad = " ".repeat(indent);
  const out = [];
  for (const [key, v] of Object.entries(obj)) {
    if (Array.isArray(v)) {
      out.push(`${pad}${key}:`);
      for (const item of v) {
        if (isObject(item)) {
          const inner = yaml(item, indent + 4).split("\n");
          out.push(`${pad}  - ${inner[0].slice(indent + 4)}`, ...inner.slice(1));
        } else {
          out.push(`${pad}  - ${scalar(item, indent + 2)}`);
        }
      }
    } else if (isObject(v)) {
      out.push(`${pad}${key}:`, yaml(v, indent + 2));
    } else {
      out.push(`${pad}${key}: ${scalar(v, indent)}`);
    }
  }
  return out.join("\n");
}

// The answers as "### Question" sections, as GitHub writes an issue form's body: the email
// route's message, read by `build.py from-email` with the issue forms' parser.
export function sections(desc, answers) {
  return desc.fields
    .map((f) => {
      let text = answers[f.id];
      if (f.kind === "multiselect" || f.kind === "select" || f.kind === "yesno") {
        const labels = Object.fromEntries(f.options);
        text = (Array.isArray(text) ? text : text ? [text] : []).map((code) => labels[code]).join(", ");
      }
      return `### ${f.label}\n\n${text || "_No response_"}\n`;
    })
    .join("\n");
}
