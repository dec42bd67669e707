#!/usr/bin/env node
// Enforces the layout rules with a tool rather than review (docs/architecture.md §14):
// no source file over 400 lines, core/ never imports http/ or engines/, and no engine imports another engine.
import fs from 'node:fs';
import path from 'node:path';

const MAX_LINES = 400;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const problems = [];

function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.name.endsWith('.ts')) check(full);
  }
}

function check(file) {
  const rel = path.relative(root, file);
  const text = fs.readFileSync(file, 'utf8');
  if (text.startsWith('// generated')) return;
  const lines = text.split('\n').length;
  if (lines > MAX_LINES) problems.push(`${rel}: ${lines} lines (limit ${MAX_LINES}); split it by what it holds`);
  const engine = /^src\/engines\/([^/]+)\//.exec(rel)?.[1];
  for (const match of text.matchAll(/from\s+'([^']+)'/g)) {
    const spec = match[1];
    if (!spec.startsWith('.')) continue;
    const target = path.relative(root, path.resolve(path.dirname(file), spec));
    if (rel.startsWith('src/core/') && (target.startsWith('src/http/') || target.startsWith('src/engines/'))) {
      problems.push(`${rel}: the core must not import ${target}`);
    }
    const other = /^src\/engines\/([^/]+)\//.exec(target)?.[1];
    if (engine && other && other !== engine) problems.push(`${rel}: engine "${engine}" imports engine "${other}" (${target})`);
  }
}

walk(path.join(root, 'src'));
if (problems.length) {
  console.error(`Source layout check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('source layout check: ok');
