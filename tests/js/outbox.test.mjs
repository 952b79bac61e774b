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
