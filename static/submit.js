// The submit page: check the answers, write the entry's YAML file, offer it to copy, download
// or open on GitHub. Each form carries its description (questions, limits, where each answer goes
// in the file) in data-form, generated from the JSON Schema; nothing here repeats the schema.
// Nothing is sent anywhere by this script.
"use strict";

(function () {
  var MAX_LINK = 8000; // GitHub refuses longer addresses; past this, copy or download instead
  var YAML_SPECIAL = /^(y|yes|n|no|true|false|on|off|null|~)$/i;
  // Characters a YAML file may hold as they are; anything else is written as an escape.
  var PRINTABLE = /^[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*$/;
  var PLAIN = /^[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f \-_.,;()&'£%/+?!]*$/;

  function today() {
    var d = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
  }

  // ---- YAML writing: plain words stay plain, prose becomes a literal block, the rest is quoted.

  function quoted(s) {
    return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function scalar(value, indent) {
    if (typeof value === "boolean" || typeof value === "number") return String(value);
    var s = String(value);
    if (PLAIN.test(s) && !YAML_SPECIAL.test(s) && !/[ ]$/.test(s)) return s;
    if (s.indexOf("\n") >= 0 && PRINTABLE.test(s) && !/^\s/.test(s)) {
      var pad = " ".repeat(indent + 2);
      return "|-\n" + s.split("\n").map(function (line) { return line ? pad + line : ""; }).join("\n");
    }
    return quoted(s);
  }

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }

  function emit(obj, indent) {
    var pad = " ".repeat(indent), out = [];
    Object.keys(obj).forEach(function (key) {
      var v = obj[key];
      if (Array.isArray(v)) {
        out.push(pad + key + ":");
        v.forEach(function (item) {
          if (isObject(item)) {
            var inner = emit(item, indent + 4).split("\n");
            out.push(pad + "  - " + inner[0].slice(indent + 4));
            for (var i = 1; i < inner.length; i++) out.push(inner[i]);
          } else {
            out.push(pad + "  - " + scalar(item, indent + 2));
          }
        });
      } else if (isObject(v)) {
        out.push(pad + key + ":");
        out.push(emit(v, indent + 2));
      } else {
        out.push(pad + key + ": " + scalar(v, indent));
      }
    });
    return out.join("\n");
  }

  // ---- Reading the answers

  function element(id) { return document.getElementById(id); }

  function rawAnswer(form, desc, field) {
    if (field.kind === "multiselect") {
      return Array.prototype.filter.call(form.querySelectorAll("input[name='" + field.id + "']"), function (c) {
        return c.checked;
      }).map(function (c) { return c.value; });
    }
    var el = element(field.id);
    if (field.kind === "boolean") return el.checked;
    return el.value.replace(/\r\n?/g, "\n").trim();
  }

  function tidyPostcode(text) {
    var t = text.toUpperCase().replace(/\s+/g, "");
    return t.length >= 5 && t.length <= 7 ? t.slice(0, -3) + " " + t.slice(-3) : text.toUpperCase();
  }

  function lengthProblem(field, text, what) {
    if (field.minLength && text.length < field.minLength) {
      return what + " must be at least " + field.minLength + " characters (it is " + text.length + ").";
    }
    if (field.maxLength && text.length > field.maxLength) {
      return what + " must be at most " + field.maxLength + " characters (it is " + text.length + ").";
    }
    return "";
  }

  // Check one answer; returns [value or undefined when empty, problem or ""].
  function check(field, answer, desc, needed) {
    var label = field.label;
    if (field.kind === "boolean") return [answer, ""];
    if (field.kind === "multiselect") {
      if (!answer.length) return [undefined, needed ? "Choose at least one for " + label.toLowerCase() + "." : ""];
      return [answer, ""];
    }
    if (answer === "" && field.default !== undefined) answer = field.default;
    if (answer === "") {
      if (!needed) return [undefined, ""];
      return [undefined, (field.kind === "select" ? "Choose " : "Enter ") + label.charAt(0).toLowerCase() + label.slice(1) + "."];
    }
    if (field.kind === "select") return [answer, ""];
    if (field.kind === "dates") {
      var pattern = new RegExp(desc.datePattern), dates = [], lines = answer.split("\n");
      for (var i = 0; i < lines.length; i++) {
        var line = lines[i].trim();
        if (!line) continue;
        var m = pattern.exec(line);
        if (!m) {
          return [undefined, "Line " + (i + 1) + " of the dates (" + line.slice(0, 40) + ") is not like 2027-03-10, 2027-03-10 to 2027-03-12, or 2027-03-10 09:30-13:00."];
        }
        var session = { start: m.groups.start, end: m.groups.end || m.groups.start };
        if (m.groups.st) { session.start_time = m.groups.st; session.end_time = m.groups.et; }
        dates.push(session);
      }
      return [dates, ""];
    }
    if (field.type === "list") {
      var items = answer.split("\n").map(function (l) { return l.replace(/^[-*\s]+/, "").trim(); }).filter(Boolean);
      for (var j = 0; j < items.length; j++) {
        var p = lengthProblem(field, items[j], "Each line of " + label.toLowerCase());
        if (p) return [undefined, p];
      }
      return [items, ""];
    }
    if (field.type === "number" || field.type === "integer") {
      var n = Number(answer.replace(/[£,\s]/g, ""));
      if (!isFinite(n) || answer.replace(/[£,\s]/g, "") === "") return [undefined, label + " must be a number, such as 3 or 2.5."];
      if (field.type === "integer" && !Number.isInteger(n)) return [undefined, label + " must be a whole number."];
      if (field.minimum !== undefined && n < field.minimum) return [undefined, label + " must be at least " + field.minimum + "."];
      if (field.exclusiveMinimum !== undefined && n <= field.exclusiveMinimum) return [undefined, label + " must be more than " + field.exclusiveMinimum + "."];
      if (field.maximum !== undefined && n > field.maximum) return [undefined, label + " must be at most " + field.maximum + "."];
      return [n, ""];
    }
    if (/postcode$/.test(field.id)) answer = tidyPostcode(answer);
    if (field.kind === "text" && answer.indexOf("\n") >= 0) return [undefined, label + " must be on one line."];
    var problem = lengthProblem(field, answer, label);
    if (problem) return [undefined, problem];
    if (field.pattern && !new RegExp(field.pattern, "u").test(answer)) {
      if (field.pattern === "\\S") return [undefined, label + " has only spaces; write some text."]; // the schemas' visible-text rule
      return [undefined, label + " is not in the expected form. " + field.help];
    }
    return [answer, ""];
  }

  function put(entry, path, value) {
    var node = entry;
    for (var i = 0; i < path.length - 1; i++) {
      var key = path[i], next = path[i + 1];
      if (node[key] === undefined) node[key] = typeof next === "number" ? [] : {};
      node = node[key];
    }
    node[path[path.length - 1]] = value;
  }

  // The entry and the problems with it, in the order of the questions.
  function read(form, desc) {
    var answers = {}, problems = [], entry = {};
    desc.fields.forEach(function (f) { answers[f.id] = rawAnswer(form, desc, f); });
    desc.fields.forEach(function (f) {
      var needed = f.required;
      if (f.notNeededWhen && answers[f.notNeededWhen[0]] === f.notNeededWhen[1]) {
        // Not needed (an online opportunity has no place), unless part of the place is given.
        needed = desc.fields.some(function (g) { return g.notNeededWhen && answers[g.id] !== ""; }) && f.required;
      }
      var result = check(f, answers[f.id], desc, needed);
      if (result[1]) { problems.push({ id: f.id, message: result[1] }); return; }
      if (result[0] === undefined) return;
      if (f.kind === "dates") {
        put(entry, f.path, result[0].length ? { kind: "dates", dates: result[0] } : { kind: "on-request" });
      } else {
        put(entry, f.path, result[0]);
      }
    });
    desc.anyOf.forEach(function (group) {
      var given = group.some(function (id) { return answers[id] !== ""; });
      if (!given) {
        var labels = group.map(function (id) {
          return desc.fields.filter(function (f) { return f.id === id; })[0].label;
        });
        problems.push({ id: group[0], message: "Answer at least one of: " + labels.join(", ") + "." });
      }
    });
    if (desc.kind === "opportunity" && !(entry.availability || {}).kind) {
      // No dates: teachers arrange a time (notes, if any, say how).
      entry.availability = Object.assign({ kind: "on-request" }, entry.availability || {});
    }
    var stamp = today();
    desc.stamps.forEach(function (key) { entry[key] = stamp; });
    // Keys in the schema's order, as every other file in the register.
    var ordered = {};
    desc.order.forEach(function (key) { if (entry[key] !== undefined) ordered[key] = entry[key]; });
    return { entry: ordered, problems: problems };
  }

  // ---- Showing problems and the result

  function target(id) {
    var el = element(id);
    return el.tagName === "DIV" ? el.querySelector("input") : el; // a list of choices: its first box
  }

  function clearProblems(desc, summary) {
    summary.hidden = true;
    summary.querySelector("ul").textContent = "";
    desc.fields.forEach(function (f) {
      var err = element(f.id + "-error");
      var el = element(f.id);
      if (err) { err.hidden = true; err.textContent = ""; }
      el.removeAttribute("aria-invalid");
      if (el.hasAttribute("aria-describedby")) el.setAttribute("aria-describedby", f.id + "-help");
      element("q-" + f.id).classList.remove("has-error");
    });
  }

  function showProblems(summary, problems) {
    var list = summary.querySelector("ul");
    problems.forEach(function (p) {
      var fid = p.id;
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "#" + target(p.id).id;
      a.textContent = p.message;
      a.addEventListener("click", function (event) {
        event.preventDefault();
        target(p.id).focus();
      });
      li.appendChild(a);
      list.appendChild(li);
      var err = document.getElementById(fid + "-error");
      if (err && err.hidden) {
        err.hidden = false;
        err.textContent = "Error: " + p.message;
        var el = element(p.id);
        el.setAttribute("aria-invalid", "true");
        if (el.hasAttribute("aria-describedby")) el.setAttribute("aria-describedby", fid + "-help " + fid + "-error");
      }
      element("q-" + fid).classList.add("has-error");
    });
    summary.hidden = false;
    summary.focus();
  }

  function showResult(form, desc, entry, previous) {
    var yaml = "# " + (desc.kind === "employer" ? "Employer" : "Opportunity") + " entry prepared with the submit form.\n" + emit(entry, 0) + "\n";
    var filename = entry.id + ".yaml";
    element("filename").textContent = "content/" + desc.folder + "/" + filename;
    element("yaml").value = yaml;
    element("copy-status").textContent = "";

    var newFile = form.dataset.newFile + "?filename=" + encodeURIComponent(filename);
    var withValue = newFile + "&value=" + encodeURIComponent(yaml);
    var tooLong = withValue.length > MAX_LINK;
    element("open-github").href = tooLong ? newFile : withValue;
    element("too-long").hidden = !tooLong;

    // The issue form is filled in by its question ids; choices are left for the person to pick.
    var issue = form.dataset.issueForm;
    desc.fields.forEach(function (f) {
      if (f.kind === "text" || f.kind === "textarea" || f.kind === "dates") {
        var value = rawAnswer(form, desc, f);
        if (value && (issue.length + value.length * 3) < MAX_LINK) issue += "&" + f.id + "=" + encodeURIComponent(value);
      }
    });
    element("open-issue").href = issue;

    if (previous) URL.revokeObjectURL(previous.url);
    var download = element("download");
    var url = URL.createObjectURL(new Blob([yaml], { type: "application/yaml" }));
    download.href = url;
    download.setAttribute("download", filename);

    element("result").hidden = false;
    element("result-heading").focus();
    return { yaml: yaml, filename: filename, url: url };
  }

  function setUp(form) {
    var desc = JSON.parse(form.dataset.form);
    var summary = element("error-summary");
    var result = element("result");
    var status = element("copy-status");
    var made = null;

    // Arriving at an empty identifier, suggest one from the name or title, selected so that
    // typing replaces it.
    var nameField = element(desc.kind === "employer" ? "name" : "title");
    var idField = element("id");
    idField.addEventListener("focus", function () {
      if (!idField.value.trim() && nameField.value.trim()) {
        idField.value = slug(nameField.value);
        idField.select();
      }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearProblems(desc, summary);
      var r = read(form, desc);
      if (r.problems.length) {
        result.hidden = true;
        showProblems(summary, r.problems);
        return;
      }
      made = showResult(form, desc, r.entry, made);
    });

    element("copy").addEventListener("click", function () {
      if (!made) return;
      var area = element("yaml");
      function fallback() {
        area.focus();
        area.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        status.textContent = ok ? "Copied the entry." : "The entry is selected: press Ctrl+C (or Cmd+C) to copy it.";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(made.yaml).then(function () { status.textContent = "Copied the entry."; }, fallback);
      } else {
        fallback();
      }
    });

    element("download").addEventListener("click", function () {
      if (made) status.textContent = "Downloading " + made.filename + ".";
    });
  }

  var form = element("submit-form");
  if (form) {
    element("submit-nojs").hidden = true;
    element("submit-app").hidden = false;
    setUp(form);
  }
})();
