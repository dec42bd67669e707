import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'dotenv';
import { dotenvLine, parseDotenv } from '../../src/cli/client/dotenv.js';

/** A small deterministic generator (mulberry32), so a failure names a value that reproduces. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ["'", '"', '`', '\n', '\\', 'n', 'r', '$', '{', '#', ' ', '\t', 'a', '=', 'é'];

describe('dotenv quoting', () => {
  it('writes every value it accepts so that the dotenv package and hush import read it back exactly', () => {
    const next = random(7);
    let written = 0;
    for (let i = 0; i < 3000; i++) {
      const value = Array.from(
        { length: Math.floor(next() * 12) },
        () => ALPHABET[Math.floor(next() * ALPHABET.length)],
      ).join('');
      let line: string;
      try {
        line = dotenvLine('K', value);
      } catch {
        // Refused only when no quote fits: ' and ` inside, and " or a backslash-n / backslash-r that double quotes would turn into a line break.
        assert.ok(
          value.includes("'") && value.includes('`') && (value.includes('"') || /\\[nr]/.test(value)),
          `refused ${JSON.stringify(value)}`,
        );
        continue;
      }
      written++;
      const text = `A=before\n${line}\nB=after\n`;
      assert.deepEqual(parse(text), { A: 'before', K: value, B: 'after' }, JSON.stringify(value));
      assert.deepEqual(
        parseDotenv(text).map((e) => [e.key, e.value]),
        [
          ['A', 'before'],
          ['K', value],
          ['B', 'after'],
        ],
        JSON.stringify(value),
      );
    }
    assert.ok(written > 2000);
  });

  it('reads comments, export, unquoted values and names the line of a bad one', () => {
    const entries = parseDotenv('# comment\nexport A=1 # trailing\nB = two words \nC: colon\nD="x\\ny"\n\nE=\n');
    assert.deepEqual(
      entries.map((e) => [e.key, e.value, e.line]),
      [
        ['A', '1', 2],
        ['B', 'two words', 3],
        ['C', 'colon', 4],
        ['D', 'x\ny', 5],
        ['E', '', 7],
      ],
    );
    assert.throws(() => parseDotenv('A=1\nnot an assignment\n', 'f.env'), /f\.env:2: expected KEY=VALUE/);
    assert.throws(() => parseDotenv("A='open\nB=2\n", 'f.env'), /f\.env:1: the ' quote is never closed/);
  });
});
