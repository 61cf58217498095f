#!/usr/bin/env node
// Run an agent's command confined to one project directory, then print
// what it changed. Usage: confine-agent.js PROJECT_DIR COMMAND [ARGS...]
'use strict';
const path = require('node:path');
const { Sandbox, changes } = require('..');

async function main() {
  const project = path.resolve(process.argv[2]);
  const argv = process.argv.slice(3);
  const sb = new Sandbox({ allow: [project], workdir: project, blockNetwork: true });
  const r = await sb.run(argv);
  process.stdout.write(r.stdout);
  console.log(`exit ${r.status}, session ${r.sessionId}`);
  for (const c of changes(r.sessionId)) {
    if (c.status !== 'unchanged') console.log(`  ${c.status.padEnd(9)} ${path.relative(project, c.path)}`);
  }
}

main().catch((e) => { console.error(`error: ${e.message}`); process.exit(1); });
