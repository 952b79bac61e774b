import assert from 'node:assert/strict';
import { test } from 'node:test';

import { filterCards, fold, matches } from '../../static/js/synthesis/fold.js';
import { level, matrixRows } from '../../static/js/synthesis/matrix.js';

test('folding writes umlauts and ß out and drops case and accents', () => {
  assert.equal(fold('Förderung'), 'foerderung');
  assert.equal(fold('STRASSE  Straße'), 'strasse strasse');
  assert.equal(fold('Übergänge'), 'uebergaenge');
  assert.equal(fold('Café'), 'cafe');
});

test('every word of the query must occur, in either spelling', () => {
  assert.ok(matches('Mehr FOERDERUNG für Vereine', 'Förderung'));
  assert.ok(matches('Mehr Förderung für Vereine', 'foerderung verein'));
  assert.ok(!matches('Mehr Förderung für Vereine', 'förderung schule'));
  assert.ok(matches('irgendwas', '   '));
});

const cards = [
  { id: 'a', workshop: 1, theme: 'Vielfalt', kind: 'problem', text: 'Förderung fehlt', dots: 3 },
  { id: 'b', workshop: 2, theme: 'Antisemitismus', kind: 'solution', text: 'Netzwerk', dots: 0 },
  { id: 'c', workshop: 2, theme: 'Antisemitismus', kind: 'problem', text: 'Foerderung', dots: 1 },
];

test('the filters by theme, kind, dots and text combine', () => {
  const ids = (f) => filterCards(cards, f).map((c) => c.id);
  assert.deepEqual(ids({}), ['a', 'b', 'c']);
  assert.deepEqual(ids({ theme: '2' }), ['b', 'c']);
  assert.deepEqual(ids({ kind: 'problem', dots: 1 }), ['a', 'c']);
  assert.deepEqual(ids({ text: 'förderung', dots: 2 }), ['a']);
  assert.deepEqual(ids({ text: 'antisemitismus' }), ['b', 'c']);
});

test('the matrix counts cards and dots per workshop and shades relative to the fullest cell', () => {
  const workshops = [{ id: 1 }, { id: 2 }];
  const byId = new Map(cards.map((c) => [c.id, c]));
  const rows = matrixRows([{ id: 7, cards: ['a', 'b', 'c', 'gone'] }], workshops, byId);
  assert.deepEqual(rows[0].cells, [{ cards: 1, dots: 3 }, { cards: 2, dots: 1 }]);
  assert.deepEqual([0, 1, 2, 4].map((n) => level(n, 4)), [0, 1, 2, 4]);
  assert.equal(level(1, 10), 1);
});

test('a query in the plural or inflected finds the singular, a part finds the compound', () => {
  assert.ok(matches('Ein Verein ohne Räume', 'Vereinen'));
  assert.ok(matches('Die Förderung läuft aus', 'Förderungen'));
  assert.ok(matches('Schule und Jugendarbeit', 'Schulen jugend'));
  assert.ok(matches('Mehr Akteure im Stadtteil', 'Akteur*innen'));
  assert.ok(matches('Treffen der Akteur*innen', 'Akteurinnen'));
  assert.ok(matches('Ehrenamtlichen fehlt Anerkennung', 'ehrenamtliche'));
  // A word is never cut below four letters: "Rates" looks for "rate", not "rat".
  assert.ok(!matches('Ratgeber', 'Rates'));
  assert.ok(!matches('Mehr Förderung für Vereine', 'Schulen'));
});
