// The client store: the sequence rule of protocol.md and one reducer per fact.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { createStore, orderedCards } from '../../static/js/store.js';

function card(id, kind = 'problem', extra = {}) {
  return { id, kind, text: `text ${id}`, answers: null, author_name: '', author_group: null, author_key: null, created_at: '2021-10-04T09:00:00Z', edited: false, ...extra };
}

function workshop(phase = 'collect', flags = {}) {
  return {
    code: 'ABC234', title: 'Vielfalt', phase, dot_budget: 5, max_dots_per_card: 3,
    collecting: phase === 'collect', voting: phase === 'vote', results_shown: phase === 'results', ...flags,
  };
}

function snapshot(seq, cards = [], extra = {}) {
  return { seq, workshop: workshop(), cards, totals: null, dots_given: null, me: null, ...extra };
}

const ids = (store) => [...store.state.cards.keys()];

describe('snapshot then facts', () => {
  test('a snapshot sets the whole state and the facts after it apply in order', () => {
    const store = createStore(snapshot(4, [card('a')]));
    assert.equal(store.receive('card_posted', { seq: 5, card: card('b') }), 'applied');
    assert.equal(store.receive('card_edited', { seq: 6, card: card('a', 'problem', { text: 'new', edited: true }) }), 'applied');
    assert.equal(store.receive('card_withdrawn', { seq: 7, id: 'b' }), 'applied');
    assert.equal(store.state.seq, 7);
    assert.deepEqual(ids(store), ['a']);
    assert.equal(store.state.cards.get('a').text, 'new');
  });

  test('facts before the first snapshot are held, then applied when newer than it', () => {
    const store = createStore();
    assert.equal(store.receive('card_posted', { seq: 3, card: card('old') }), 'held');
    assert.equal(store.receive('card_posted', { seq: 5, card: card('new') }), 'held');
    store.snapshot(snapshot(4, [card('old'), card('mid')]));
    assert.deepEqual(ids(store), ['old', 'mid', 'new']);
    assert.equal(store.state.seq, 5);
  });

  test('listeners hear about changes, with news for a new card only', () => {
    const store = createStore(snapshot(1, [card('a')]));
    const heard = [];
    store.subscribe((state, changes) => heard.push(...changes.map((c) => [c.event, c.news])));
    store.receive('card_posted', { seq: 2, card: card('b') });
    store.receive('card_posted', { seq: 3, card: card('b') }); // the same card again, by a later fact
    store.receive('card_withdrawn', { seq: 4, id: 'zzz' });
    assert.deepEqual(heard, [['card_posted', true], ['card_posted', false], ['card_withdrawn', false]]);
  });
});

describe('out of order and duplicates', () => {
  test('a fact already included is ignored', () => {
    const store = createStore(snapshot(10, [card('a')]));
    assert.equal(store.receive('card_withdrawn', { seq: 9, id: 'a' }), 'ignored');
    assert.equal(store.receive('card_withdrawn', { seq: 10, id: 'a' }), 'ignored');
    assert.deepEqual(ids(store), ['a']);
  });

  test('the same fact twice is applied once', () => {
    const store = createStore(snapshot(1));
    store.receive('card_posted', { seq: 2, card: card('a') });
    store.receive('card_withdrawn', { seq: 3, id: 'a' });
    assert.equal(store.receive('card_posted', { seq: 2, card: card('a') }), 'ignored');
    assert.deepEqual(ids(store), []);
  });

  test('a late fact closes the gap and the ones that waited follow in order', () => {
    const store = createStore(snapshot(1));
    assert.equal(store.receive('card_posted', { seq: 3, card: card('c') }), 'gap');
    assert.equal(store.receive('card_posted', { seq: 4, card: card('d') }), 'gap');
    assert.ok(store.hasGap());
    assert.equal(store.receive('card_posted', { seq: 2, card: card('b') }), 'applied');
    assert.equal(store.hasGap(), false);
    assert.deepEqual(ids(store), ['b', 'c', 'd']);
    assert.equal(store.state.seq, 4);
  });
});

describe('a gap that does not close', () => {
  test('is reported, and the held facts are applied after the next snapshot', () => {
    const store = createStore(snapshot(1));
    assert.equal(store.receive('card_posted', { seq: 4, card: card('d') }), 'gap');
    assert.equal(store.receive('card_posted', { seq: 5, card: card('e') }), 'gap');
    assert.deepEqual(ids(store), []);
    store.beginSync();
    // While the sync is on its way everything is held, even the next fact in line.
    assert.equal(store.receive('card_posted', { seq: 6, card: card('f') }), 'held');
    assert.equal(store.receive('tally', { totals: null, dots_given: 2 }), 'held');
    const stillGap = store.snapshot(snapshot(4, [card('b'), card('c'), card('d')]));
    assert.equal(stillGap, false);
    assert.deepEqual(ids(store), ['b', 'c', 'd', 'e', 'f']);
    assert.equal(store.state.seq, 6);
    assert.equal(store.state.dots_given, 2);
  });

  test('a snapshot older than the held facts leaves the gap open', () => {
    const store = createStore(snapshot(1));
    store.receive('card_posted', { seq: 5, card: card('e') });
    assert.equal(store.snapshot(snapshot(3)), true);
    assert.ok(store.hasGap());
    store.receive('card_posted', { seq: 4, card: card('d') });
    assert.deepEqual(ids(store), ['d', 'e']);
  });

  test('a failed sync goes on with what it holds', () => {
    const store = createStore(snapshot(1));
    store.beginSync();
    store.receive('card_posted', { seq: 2, card: card('b') });
    store.syncFailed();
    assert.deepEqual(ids(store), ['b']);
  });
});

describe('reducers', () => {
  test('phase_changed replaces the workshop and the totals without asking for the board', () => {
    const store = createStore(snapshot(1, [card('a'), card('b')]));
    store.receive('phase_changed', { seq: 2, workshop: workshop('vote'), totals: null, dots_given: 0 });
    assert.equal(store.state.workshop.voting, true);
    assert.equal(store.state.totals, null);
    assert.equal(store.state.dots_given, 0);
    store.receive('phase_changed', { seq: 3, workshop: workshop('results'), totals: { b: 3, a: 1 }, dots_given: null });
    assert.equal(store.state.workshop.results_shown, true);
    assert.deepEqual(store.state.totals, { b: 3, a: 1 });
    assert.deepEqual(orderedCards(store.state).map((c) => c.id), ['b', 'a']);
  });

  test('an event without a reducer is ignored, not an error', () => {
    const store = createStore(snapshot(1));
    let heard = 0;
    store.subscribe(() => { heard += 1; });
    assert.equal(store.receive('timer_started', { seq: 2, seconds: 300 }), 'unknown');
    assert.equal(store.receive('toString', {}), 'unknown');
    assert.equal(store.state.seq, 1);
    assert.equal(heard, 0);
  });

  test('dots_changed updates me', () => {
    const me = { author_key: 'k', votes: { a: 1 }, dots_left: 4 };
    const store = createStore(snapshot(1, [card('a'), card('b')], { me }));
    store.receive('dots_changed', { card: 'b', dots: 2, dots_left: 2 });
    assert.deepEqual(store.state.me.votes, { a: 1, b: 2 });
    store.receive('dots_changed', { card: 'a', dots: 0, dots_left: 3 });
    assert.deepEqual(store.state.me, { author_key: 'k', votes: { b: 2 }, dots_left: 3 });
    assert.deepEqual(me.votes, { a: 1 }, 'the snapshot given is not changed');
  });

  test('dots_changed is ignored on a screen without a participant', () => {
    const store = createStore(snapshot(1));
    store.receive('dots_changed', { card: 'a', dots: 1, dots_left: 4 });
    assert.equal(store.state.me, null);
  });

  test('tally refreshes visible totals and never reveals hidden ones', () => {
    const hidden = createStore(snapshot(1, [], { workshop: workshop('vote') }));
    hidden.receive('tally', { totals: null, dots_given: 7 });
    assert.equal(hidden.state.totals, null);
    assert.equal(hidden.state.dots_given, 7);
    // A tally with totals (sent before the phase hid them) leaves them hidden.
    hidden.receive('tally', { totals: { a: 3 }, dots_given: 8 });
    assert.equal(hidden.state.totals, null);

    const shown = createStore(snapshot(1, [], { totals: { a: 1 } }));
    shown.receive('tally', { totals: { a: 2 } });
    assert.deepEqual(shown.state.totals, { a: 2 });
    shown.receive('tally', { totals: null, dots_given: 2 });
    assert.deepEqual(shown.state.totals, { a: 2 }, 'a tally without totals keeps the ones shown');
  });

  test('update applies a reducer for the screen itself, marked local and unsequenced', () => {
    const store = createStore(snapshot(1));
    const heard = [];
    store.subscribe((state, changes) => heard.push(...changes));
    store.update('card_edited', { card: card('a') });
    assert.deepEqual(ids(store), ['a']);
    assert.equal(store.state.seq, 1);
    assert.equal(heard[0].local, true);
    // The server's fact for the same card follows and is applied as usual.
    assert.equal(store.receive('card_posted', { seq: 2, card: card('a') }), 'applied');
    assert.deepEqual(ids(store), ['a']);
  });
});

describe('orderedCards', () => {
  test('keeps the server order until results are shown, then ranks by dots, ties stable', () => {
    const cards = [card('a'), card('b'), card('c')];
    const voting = createStore(snapshot(1, cards, { workshop: workshop('vote'), totals: { c: 5 } }));
    assert.deepEqual(orderedCards(voting.state).map((c) => c.id), ['a', 'b', 'c']);
    const results = createStore(snapshot(1, cards, { workshop: workshop('results'), totals: { c: 5, b: 1, a: 1 } }));
    assert.deepEqual(orderedCards(results.state).map((c) => c.id), ['c', 'a', 'b']);
  });
});

test('issue 7 facts: tick keeps the numbers going, cards_changed merges, cards_reset asks for the board', () => {
  const store = createStore({ seq: 1, workshop: { phase: 'collect' }, cards: [{ id: 'a', kind: 'problem', text: 'A' }, { id: 'b', kind: 'problem', text: 'B' }], totals: null, me: null });
  assert.equal(store.receive('tick', { seq: 2 }), 'applied');
  assert.equal(store.state.seq, 2);
  store.receive('cards_changed', { seq: 3, cards: [{ id: 'a', kind: 'problem', text: 'A+B' }], gone: ['b'] });
  assert.deepEqual([...store.state.cards.keys()], ['a']);
  assert.equal(store.state.cards.get('a').text, 'A+B');
  store.receive('cards_reset', { seq: 4 });
  assert.equal(store.state.resync, true);
});

test('a blind copy of my own card does not wipe its text', () => {
  const store = createStore({ seq: 1, workshop: { phase: 'collect' }, cards: [{ id: 'm', kind: 'problem', text: 'Meins', author_key: 'k' }], totals: null, me: { author_key: 'k', votes: {}, dots_left: 5 } });
  store.receive('card_edited', { seq: 2, card: { id: 'm', kind: 'problem', text: '', author_key: 'k', blind: true } });
  assert.equal(store.state.cards.get('m').text, 'Meins');
  store.receive('card_posted', { seq: 3, card: { id: 'o', kind: 'problem', text: '', author_key: 'x', blind: true } });
  assert.equal(store.state.cards.get('o').blind, true);
});

test('pinned cards come first until results are shown, then the ranking', () => {
  const store = createStore({ seq: 1, workshop: { phase: 'collect', results_shown: false }, cards: [{ id: 'a' }, { id: 'b', pinned: true }], totals: null, me: null });
  assert.deepEqual(orderedCards(store.state).map((c) => c.id), ['b', 'a']);
  store.receive('phase_changed', { seq: 2, workshop: { phase: 'results', results_shown: true }, totals: { a: 3 }, dots_given: 3, voters: 2 });
  assert.deepEqual(orderedCards(store.state).map((c) => c.id), ['a', 'b']);
  assert.equal(store.state.voters, 2);
});

test('workshop_changed carries the timer and the console hears presence and the log', () => {
  const store = createStore({ seq: 1, workshop: { phase: 'collect', timer: { state: 'idle' } }, cards: [], totals: {}, me: null });
  store.receive('workshop_changed', { seq: 2, workshop: { phase: 'collect', timer: { state: 'running', ends_at: '2026-01-01T00:05:00+00:00', remaining: 300 } }, totals: {}, dots_given: 0 });
  assert.equal(store.state.workshop.timer.state, 'running');
  store.receive('presence', { phones: 12, voted: 3 });
  assert.equal(store.state.phones, 12);
  store.receive('log_entry', { entry: { id: 7, action: 'hide_card' } });
  store.receive('log_entry', { entry: { id: 7, action: 'hide_card', undone: true } });
  assert.equal(store.state.log.length, 1);
  assert.equal(store.state.log[0].undone, true);
});
