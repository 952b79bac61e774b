// The outbox: kept in localStorage, in memory when storage is full or disabled.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Outbox } from '../../static/js/outbox.js';

function fakeStorage({ full = false } = {}) {
  const items = new Map();
  return {
    items,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => {
      if (full) throw new Error('QuotaExceededError');
      items.set(key, String(value));
    },
  };
}

test('entries survive in storage, in order; a second edit replaces the first', () => {
  const storage = fakeStorage();
  const outbox = new Outbox('querschnitt-outbox:ABC234', () => storage);
  outbox.put({ event: 'post_card', key: 'c1', payload: { id: 'c1', text: 'one' } });
  outbox.put({ event: 'edit_card', key: 'edit:c0', payload: { id: 'c0', text: 'first' } });
  outbox.put({ event: 'edit_card', key: 'edit:c0', payload: { id: 'c0', text: 'second' } });
  const again = new Outbox('querschnitt-outbox:ABC234', () => storage);
  assert.deepEqual(again.entries().map((e) => e.payload.text), ['one', 'second']);
  again.remove('c1');
  assert.equal(storage.getItem('querschnitt-outbox:ABC234'), JSON.stringify([{ event: 'edit_card', key: 'edit:c0', payload: { id: 'c0', text: 'second' } }]));
});

test('storage that is full keeps the entries in memory for the page', () => {
  const outbox = new Outbox('k', () => fakeStorage({ full: true }));
  outbox.put({ event: 'post_card', key: 'a', payload: {} });
  outbox.put({ event: 'post_card', key: 'b', payload: {} });
  assert.deepEqual(outbox.entries().map((e) => e.key), ['a', 'b']);
});

test('storage that cannot even be touched, or holds garbage, reads as empty', () => {
  const denied = new Outbox('k', () => { throw new Error('SecurityError'); });
  assert.deepEqual(denied.entries(), []);
  denied.put({ event: 'post_card', key: 'a', payload: {} });
  assert.deepEqual(denied.entries().map((e) => e.key), ['a']);
  const storage = fakeStorage();
  storage.setItem('k', '{"not": "a list"}');
  assert.deepEqual(new Outbox('k', () => storage).entries(), []);
});

test('a busy server is tried again later and later, with jitter, until something goes through', async () => {
  const { Retry } = await import('../../static/js/outbox.js');
  const timers = [];
  const retry = new Retry({
    base: 500,
    max: 4000,
    random: () => 0.9999999,
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return timers.length; },
    clearTimer: () => {},
  });
  let runs = 0;
  const again = () => { runs += 1; };
  assert.equal(retry.schedule(again), 500);
  assert.equal(retry.schedule(again), null, 'one retry waits at a time');
  timers[0].fn();
  assert.equal(runs, 1);
  assert.deepEqual([retry.schedule(again), (timers.at(-1).fn(), retry.schedule(again))], [1000, 2000]);
  timers.at(-1).fn();
  assert.equal(retry.schedule(again), 4000);
  timers.at(-1).fn();
  assert.equal(retry.schedule(again), 4000, 'never longer than max');
  retry.reset();
  timers.at(-1).fn();
  assert.equal(retry.schedule(again), 500, 'after a success the shortest delay again');
  const jittered = new Retry({ base: 1000, random: () => 0, setTimer: () => 1 });
  assert.equal(jittered.schedule(() => {}), 500, 'half the delay at the least');
});

test('"busy" is a reply to try again, not a refusal to show', async () => {
  const { TRANSIENT } = await import('../../static/js/connection.js');
  assert.ok(TRANSIENT.has('busy'));
});
