import assert from 'node:assert/strict';
import { it } from 'node:test';
import { microsIso } from '../../src/core/ids.js';

it('renders stored times with six fraction digits, as DRF and strawberry do', () => {
  assert.equal(microsIso('2017-03-21T19:28:44.265Z'), '2017-03-21T19:28:44.265000Z');
  assert.equal(microsIso('2017-03-21T19:28:44Z'), '2017-03-21T19:28:44.000000Z', 'no fraction: zeros');
  assert.equal(microsIso('2017-03-21T19:28:44.265582Z'), '2017-03-21T19:28:44.265582Z', 'six digits kept');
  assert.equal(microsIso('2017-03-21T19:28:44.265Z', '+00:00'), '2017-03-21T19:28:44.265000+00:00');
  assert.equal(microsIso('2017-03-21T20:28:44.265+01:00'), '2017-03-21T19:28:44.265000Z', 'another zone: in UTC');
  assert.equal(microsIso(null), null);
  assert.equal(microsIso('not a time'), 'not a time', 'text naming no time is left as it is');
});
