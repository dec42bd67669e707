#!/usr/bin/env node
// Writes Hush's OpenAPI document from the built server (dist/), without listening: the app is composed over a
// throw-away SQLite data directory, asked for its document, and closed. Usage: node scripts/openapi-document.mjs
// [out.json] (standard output without an argument). The console's typed client is generated from it (web/README.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = (rel) => pathToFileURL(path.join(root, 'dist', 'src', rel)).href;
if (!fs.existsSync(path.join(root, 'dist', 'src', 'app.js'))) {
  console.error('dist/src/app.js does not exist: build the server first (npx tsc -p tsconfig.json)');
  process.exit(1);
}

const { buildApp } = await import(built('app.js'));
const { loadConfig } = await import(built('core/config.js'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hush-openapi-'));
let text;
try {
  // Only the variables the document could depend on; none of the caller's HUSH_* settings leak in.
  const app = await buildApp(loadConfig({ dataDir, port: 0, host: '127.0.0.1' }, { HUSH_LOG_LEVEL: 'silent' }), {
    logger: false,
  });
  try {
    text = `${JSON.stringify(app.server.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
  }
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

const out = process.argv[2];
if (!out) process.stdout.write(text);
else if (!fs.existsSync(out) || fs.readFileSync(out, 'utf8') !== text) fs.writeFileSync(out, text);
