import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatSeconds, timerReading, workshopTimer } from '../../static/js/timer.js';

const END = '2024-10-04T09:10:00+00:00';
const at = (iso) => Date.parse(iso);

test('no timer reads nothing', () => {
  assert.equal(timerReading(null, 0), null);
  assert.equal(timerReading({ state: 'idle', ends_at: null, remaining: null }, 0), null);
});

test('a running timer counts down to its end, rounded up', () => {
  const timer = { state: 'running', ends_at: END, remaining: 600, duration: 600 };
  assert.deepEqual(timerReading(timer, at('2024-10-04T09:05:00Z')), { state: 'running', seconds: 300, done: false });
  assert.deepEqual(timerReading(timer, at('2024-10-04T09:09:59.500Z')), { state: 'running', seconds: 1, done: false });
  assert.deepEqual(timerReading(timer, at('2024-10-04T09:10:00Z')), { state: 'running', seconds: 0, done: true });
  assert.deepEqual(timerReading(timer, at('2024-10-04T09:12:00Z')), { state: 'running', seconds: 0, done: true });
});

test('a paused timer shows what is left', () => {
  const timer = { state: 'paused', ends_at: null, remaining: 95, duration: 600 };
  assert.deepEqual(timerReading(timer, 0), { state: 'paused', seconds: 95, done: false });
});

test('seconds read as minutes, hours when there are any', () => {
  assert.equal(formatSeconds(0), '0:00');
  assert.equal(formatSeconds(75), '1:15');
  assert.equal(formatSeconds(600), '10:00');
  assert.equal(formatSeconds(3725), '1:02:05');
});

test("a screen's timer reads by the server's clock and nothing once the workshop is closed", () => {
  let device = at('2024-10-04T09:00:00Z'); // this device runs two minutes behind the server
  const read = workshopTimer(() => device);
  const timer = { state: 'running', ends_at: END, remaining: 600, duration: 600 };
  const workshop = { phase: 'collect', timer, now: '2024-10-04T09:02:00Z' };
  assert.deepEqual(read(workshop), { state: 'running', seconds: 480, done: false });
  device += 60_000;
  assert.deepEqual(read(workshop), { state: 'running', seconds: 420, done: false });
  assert.equal(read({ ...workshop, phase: 'closed' }), null);
});
