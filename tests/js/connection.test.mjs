// Texts and the size check work without a page (the DOM-free parts of config and connection).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { translator } from '../../static/js/config.js';
import { packetBytes } from '../../static/js/connection.js';

test('t fills placeholders and tn picks the singular for one', () => {
  const { t, tn } = translator({ dots_total: '{n} Punkte', dots_total_one: '{n} Punkt', answers: 'Antwort auf: {text}' });
  assert.equal(t('answers', { text: '{n} $& x' }), 'Antwort auf: {n} $& x');
  assert.equal(tn('dots_total', 1), '1 Punkt');
  assert.equal(tn('dots_total', 0), '0 Punkte');
  assert.equal(t('missing'), 'missing');
});

test('the size of a command counts UTF-8 bytes', () => {
  const ascii = packetBytes('/board', 'post_card', { text: 'a'.repeat(100) });
  const umlauts = packetBytes('/board', 'post_card', { text: 'ä'.repeat(100) });
  assert.equal(umlauts - ascii, 100);
  assert.ok(packetBytes('/board', 'post_card', { text: '😀'.repeat(500) }) < 16384);
});
