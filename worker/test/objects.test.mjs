// objects.test.mjs — the object kinds of one key (contract.js's OBJECTS,
// from internal/contract's Objects) are checked by their declared field
// types, strictly, with no per-kind code in shape.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shapeError, objectSpecs } from '../src/shape.js';

const KIND = { humans: { key: 'metadata/humans.json', route: '/humans.txt', fields: { version: 'version', title: 'string', entries: 'int' } } };
const specs = objectSpecs(KIND);

test('an object kind is checked by its field types', () => {
  const key = KIND.humans.key;
  assert.equal(shapeError(key, { version: 1, title: 'Site', entries: 3 }, specs), null);
  for (const [v, at] of [
    [{ version: 2, title: 'Site', entries: 3 }, '$.version'],
    [{ version: 1, title: 7, entries: 3 }, '$.title'],
    [{ version: 1, title: 'Site', entries: -1 }, '$.entries'],
    [{ version: 1, title: 'Site' }, '$.entries'],
    [{ version: 1, title: 'Site', entries: 3, __proto__x: 1 }, '$.__proto__x'],
  ]) assert.equal(shapeError(key, v, specs), `manifest ${key}: wrong shape at ${at} (docs/bucket.md)`);
  // Without the kind, metadata/humans.json is read as a collection index.
  assert.match(shapeError(key, { version: 1, title: 'Site', entries: 3 }, objectSpecs({})), /wrong shape at \$\.(collection|entries)/);
});
