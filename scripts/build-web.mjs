#!/usr/bin/env node
// The console's part of `npm run build`, after the server's `tsc` (the console's API client is generated from the
// server just built). Each step runs only when its inputs changed, so a build with nothing new for the console
// costs a second or two:
//   1. web/'s own dependencies: `npm ci` in web/ when web/node_modules is missing or older than web/package-lock.json
//      (the console has its own package.json and lock, not an npm workspace: see web/README.md);
//   2. the OpenAPI document of the built server (scripts/openapi-document.mjs) and the client types from it
//      (web/src/api/schema.d.ts, generated, not committed);
//   3. the console itself (`tsc` + `vite build` in web/, into web/dist/), then its sizes, gzipped.
// HUSH_SKIP_CONSOLE_BUILD=1 skips all of it (server-only work); `hush serve` then answers /ui/ with how to build it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web');
const stampFile = path.join(web, 'node_modules', '.hush-build.json');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (process.env.HUSH_SKIP_CONSOLE_BUILD === '1') {
  console.log('console: not built (HUSH_SKIP_CONSOLE_BUILD=1)');
  process.exit(0);
}

function run(command, args, cwd, what) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`console: ${what} failed (${command} ${args.join(' ')} in ${path.relative(root, cwd) || '.'}).`);
    console.error('The server is built; set HUSH_SKIP_CONSOLE_BUILD=1 to build without the console.');
    process.exit(result.status ?? 1);
  }
}

function hashFiles(files) {
  const h = createHash('sha256');
  for (const f of files.sort()) {
    h.update(path.relative(root, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

function walk(dir, keep = () => true) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? walk(full, keep) : keep(full) ? [full] : [];
  });
}

const readStamp = () => {
  try {
    return JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return {};
  }
};
const writeStamp = (stamp) => fs.writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);

// 1. Dependencies.
const lockHash = hashFiles([path.join(web, 'package-lock.json')]);
let stamp = readStamp();
if (stamp.lock !== lockHash || !fs.existsSync(path.join(web, 'node_modules', '.bin'))) {
  console.log('console: installing its dependencies (npm ci in web/)');
  run(npm, ['ci', '--no-audit', '--no-fund'], web, 'installing its dependencies');
  stamp = { lock: lockHash };
  writeStamp(stamp);
}

// 2. The API document and the client types generated from it.
const schemaFile = path.join(web, 'src', 'api', 'schema.d.ts');
const serverHash = hashFiles([
  ...walk(path.join(root, 'dist', 'src'), (f) => f.endsWith('.js')),
  path.join(root, 'package.json'),
]);
if (stamp.server !== serverHash || !fs.existsSync(schemaFile)) {
  run(
    process.execPath,
    [path.join(root, 'scripts', 'openapi-document.mjs'), path.join(web, 'openapi.json')],
    root,
    'writing the OpenAPI document',
  );
  const docHash = hashFiles([path.join(web, 'openapi.json')]);
  if (stamp.document !== docHash || !fs.existsSync(schemaFile)) {
    console.log('console: generating the API client types (web/src/api/schema.d.ts)');
    run(
      path.join(web, 'node_modules', '.bin', 'openapi-typescript'),
      ['openapi.json', '-o', 'src/api/schema.d.ts', '--silent'],
      web,
      'generating the API client types',
    );
  }
  stamp = { ...stamp, server: serverHash, document: docHash };
  writeStamp(stamp);
}

// 3. The console.
const inputs = [
  ...walk(path.join(web, 'src')),
  ...['index.html', 'vite.config.ts', 'mantine-css.ts', 'tsconfig.json', 'package-lock.json'].map((f) =>
    path.join(web, f),
  ),
];
const inputHash = hashFiles(inputs);
const dist = path.join(web, 'dist');
if (stamp.console !== inputHash || !fs.existsSync(path.join(dist, 'index.html'))) {
  console.log('console: building web/ (tsc, vite build)');
  run(npm, ['run', 'build', '--silent'], web, 'building');
  stamp = { ...stamp, console: inputHash };
  writeStamp(stamp);
} else {
  console.log('console: up to date (web/dist)');
}

// What a first visit downloads: the scripts and stylesheets index.html names (the entry and its preloads), as the
// server sends them (gzip). Chunks loaded on first use (openpgp.js for the Passbolt page) are reported apart.
const entryHtml = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const sizes = walk(path.join(dist, 'assets'), (f) => /\.(js|css)$/.test(f)).map((f) => ({
  f,
  gz: gzipSync(fs.readFileSync(f), { level: 9 }).length,
  first: entryHtml.includes(`assets/${path.basename(f)}`),
}));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sum = (list) => list.reduce((a, s) => a + s.gz, 0);
const js = sum(sizes.filter((s) => s.first && s.f.endsWith('.js')));
const css = sum(sizes.filter((s) => s.first && s.f.endsWith('.css')));
const lazy = sum(sizes.filter((s) => !s.first && s.f.endsWith('.js')));
console.log(
  `console: first load JavaScript ${kb(js)} gzipped, CSS ${kb(css)} gzipped (budget: 300 KB); ` +
    `loaded on first use ${kb(lazy)} gzipped`,
);
