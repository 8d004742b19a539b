// registerOffline where service workers do not exist (Node here, like an old browser or an
// insecure origin): it says so once and never throws, so the page runs as before, online.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerOffline, type OfflineStatus } from './register.ts';

test('registerOffline without service workers reports unsupported and does not throw', () => {
  const seen: OfflineStatus[] = [];
  const handle = registerOffline((s) => seen.push(s));
  assert.equal(seen.length, 1);
  assert.equal(seen[0].state, 'unsupported');
  assert.match(seen[0].detail ?? '', /network/);
  assert.equal(handle.status.state, 'unsupported');
  handle.applyUpdate(); // a no-op, not an error
});

test('a listener that throws does not stop registerOffline', () => {
  assert.doesNotThrow(() => registerOffline(() => {
    throw new Error('listener failed');
  }));
});
