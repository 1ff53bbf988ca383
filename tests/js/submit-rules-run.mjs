// Runs the submit page's rules over inputs given as JSON on stdin and prints the results as JSON,
// so that tests/test_js.py can compare them with the Python readings of the same inputs.
import { readFileSync } from "node:fs";
import { readDate, readPostcode, readSession, readUrl, read, slug } from "../../static/submit-rules.js";

const { desc, dates, lines, urls, postcodes, names, forms } = JSON.parse(readFileSync(0, "utf8"));
const p = desc.patterns;
console.log(
  JSON.stringify({
    dates: dates.map((t) => readDate(t)),
    lines: lines.map((t) => readSession(t, p)),
    urls: urls.map((t) => readUrl(t, p)),
    postcodes: postcodes.map((t) => readPostcode(t)),
    names: names.map((t) => slug(t)),
    forms: forms.map((answers) => {
      const r = read(desc, answers, "2026-11-24");
      return { entry: r.entry, problems: r.problems.map((x) => x.id), warnings: r.warnings };
    }),
  }),
);
