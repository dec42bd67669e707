#!/usr/bin/env node
// Enforces the layout rules with a tool rather than review (docs/architecture.md §14):
// no source file over 400 lines, core/ never imports http/ or engines/, and no engine imports another engine;
// citations in code and notes name documents of this repository, existing ones, at sections they have.
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
  // Static imports, re-exports and dynamic imports alike: a boundary a dynamic import may cross is no boundary.
  for (const match of text.matchAll(/(?:from\s+|import\(\s*)'([^']+)'/g)) {
    const spec = match[1];
    if (!spec.startsWith('.')) continue;
    const target = path.relative(root, path.resolve(path.dirname(file), spec)).replace(/\.js$/, '.ts');
    if (rel.startsWith('src/core/') && (target.startsWith('src/http/') || target.startsWith('src/engines/'))) {
      problems.push(`${rel}: the core must not import ${target}`);
    }
    if (rel.startsWith('src/http/') && target.startsWith('src/engines/'))
      problems.push(`${rel}: the HTTP core must not import ${target}`);
    const other = /^src\/engines\/([^/]+)\//.exec(target)?.[1];
    if (engine && other && other !== engine)
      problems.push(`${rel}: engine "${engine}" imports engine "${other}" (${target})`);
    // Engines reach the core through its ports only (docs/architecture.md §6).
    if (engine && target.startsWith('src/core/') && target !== 'src/core/ports.ts') {
      problems.push(`${rel}: engine "${engine}" imports core internals (${target}); use what core/ports.ts exports`);
    }
  }
  // Core tables are the core's: an engine reads users, tokens and the audit log through ports. Migrations may name
  // a core row in a foreign key (an engine's row dies with the core row it belongs to); that is schema, not a query.
  if (engine && !rel.includes('/migrations/')) {
    for (const m of text.matchAll(/\b(core_[a-z_]+)/g))
      problems.push(`${rel}: engine "${engine}" names the core table ${m[1]}`);
  }
}

// Design documents live in docs/, since a clone has nothing else. Fails on a citation of notes outside the repository
// (a `shared` folder beside it, its style and design notes), on a `docs/…` path that does not exist, and on a
// `docs/….md §n` whose file has no heading numbered n. The patterns are assembled so that this file does not match.
const CITED_ROOTS = ['src', 'test', 'scripts', 'bench', 'docs', 'README.md'];
const CITING_FILE = /\.(ts|mjs|js|md|py)$/;
const OUTSIDE = [
  new RegExp(`(^|[^\\w/.-])(\\.\\./)*${'shared'}/`, 'g'),
  new RegExp(`(^|[^\\w/.-])(${['STYLE', 'DESIGN'].join('|')})\\.md`, 'g'),
];
const DOCS_PATH = new RegExp(`(^|[^\\w/.-])(${'docs'}/[\\w./-]*)`, 'g');
const SECTION = /^`?\s*§(\d+(?:\.\d+)*)/;
const sectionsOf = new Map();

function sections(file) {
  if (!sectionsOf.has(file)) {
    const numbers = new Set();
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/^#{1,6}\s+(\d+(?:\.\d+)*)[.\s]/gm)) numbers.add(m[1]);
    sectionsOf.set(file, numbers);
  }
  return sectionsOf.get(file);
}

function citingFiles(entry, out = []) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return out;
  if (fs.statSync(full).isFile()) {
    if (CITING_FILE.test(full)) out.push(full);
    return out;
  }
  // Installed packages (a conformance harness's own node_modules) are other projects' text, not ours to check.
  for (const child of fs.readdirSync(full)) if (child !== 'node_modules') citingFiles(path.join(entry, child), out);
  return out;
}

function checkCitations() {
  for (const file of CITED_ROOTS.flatMap((entry) => citingFiles(entry))) {
    const rel = path.relative(root, file);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const where = `${rel}:${i + 1}`;
      for (const pattern of OUTSIDE) {
        for (const m of line.matchAll(pattern)) {
          problems.push(
            `${where}: cites ${m[0].slice(m[1].length)}…, which is outside the repository; cite docs/ instead`,
          );
        }
      }
      for (const m of line.matchAll(DOCS_PATH)) {
        const cited = m[2].replace(/[./]+$/, (tail) => (tail.endsWith('/') ? '/' : ''));
        const target = path.join(root, cited);
        if (!fs.existsSync(target)) {
          problems.push(`${where}: cites ${cited}, which does not exist`);
          continue;
        }
        const section = SECTION.exec(line.slice(m.index + m[0].length))?.[1];
        if (section && cited.endsWith('.md') && !sections(target).has(section)) {
          problems.push(`${where}: cites ${cited} §${section}, which has no such section`);
        }
      }
    });
  }
}

walk(path.join(root, 'src'));
checkCitations();
if (problems.length) {
  console.error(`Source layout check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('source layout check: ok');
