// The projector: the live wall of cards, the phase, the dots given while voting,
// and the ranking once results are shown. Read-only: it only ever sends `sync`.
import { makeView, renderList } from '../cards.js';
import { config, limits, t, tn } from '../config.js';
import { connect } from '../connection.js';
import { announce, truncate } from '../dom.js';
import { createStore, orderedCards } from '../store.js';

const body = document.body;
const store = createStore();

function setConnection(which) {
  const el = document.getElementById('connection');
  el.dataset.state = which;
  el.textContent = which === 'online' ? '' : t('offline');
  el.hidden = which === 'online';
}

connect({
  namespace: config.namespace,
  auth: config.auth,
  store,
  maxBytes: limits.message_bytes,
  // Reconnect attempts are not news on the wall: it stays "offline" until it is back.
  onStatus: (which) => { if (which !== 'reconnecting') setConnection(which); },
});

store.subscribe((state, changes) => {
  render();
  for (const { event, payload, news } of changes) {
    if (event === 'card_posted' && news) announce(t('new_card', { text: truncate(payload.card.text, 100) }));
  }
});

function render() {
  const state = store.state;
  if (!state.workshop) return;
  const { phase, voting } = state.workshop;
  body.className = body.className.replace(/phase-\w+/, `phase-${phase}`);
  document.getElementById('phase-name').textContent = t(`phase_${phase}`);
  document.getElementById('tally-summary').textContent = voting ? tn('dots_given', state.dots_given || 0) : '';
  const cards = orderedCards(state);
  const view = makeView('projector', state, cards);
  for (const kind of ['problem', 'solution']) {
    renderList(document.getElementById(`wall-${kind}`), cards.filter((c) => c.kind === kind), view);
  }
  document.getElementById('wall-empty').hidden = cards.length > 0;
}
