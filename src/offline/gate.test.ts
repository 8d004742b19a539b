// The offline warm-up and the page's own loads of the same files never overlap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loading, warmUp } from './gate.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a warm-up waits for the loads under way, and a load waits for a warm-up under way', async () => {
  const log: string[] = [];
  const load = (name: string, ms: number) => loading(async () => {
    log.push(`${name}+`);
    await tick(ms);
    log.push(`${name}-`);
  });
  const a = load('a', 30);
  const w = warmUp(async () => {
    log.push('w+');
    await tick(30);
    log.push('w-');
  });
  await tick(5);
  const b = load('b', 5); // starts while a runs: allowed (loads do not exclude each other)
  await tick(40); // a and b are done; the warm-up has started
  const c = load('c', 5); // must wait for the warm-up
  await Promise.all([a, b, w, c]);
  assert.deepEqual(log, ['a+', 'b+', 'b-', 'a-', 'w+', 'w-', 'c+', 'c-']);
});

test('a failing warm-up releases the loads waiting on it', async () => {
  const w = warmUp(async () => {
    await tick(10);
    throw new Error('network');
  });
  await assert.rejects(w, /network/);
  assert.equal(await loading(async () => 42), 42);
});
