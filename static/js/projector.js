// The projector: the live wall of cards, the phase, the dots given, and the ranking after voting.
import { BoardSync, announce, applyCardEvent, connect, h, t, tn, truncate } from './common.js';

const body = document.body;
const code = body.dataset.code;
const groups = JSON.parse(body.dataset.groups || '{}');
const socket = connect(code, 'staff');
const state = { workshop: null, cards: new Map(), totals: {} };

function setConnection(which) {
  const el = document.getElementById('connection');
  el.dataset.state = which;
  el.textContent = which === 'online' ? '' : t('offline');
  el.hidden = which === 'online';
}

socket.on('connect', async () => {
  setConnection('online');
  await resync();
});
socket.on('disconnect', () => setConnection('offline'));
socket.on('connect_error', () => setConnection('offline'));

const boardSync = new BoardSync(socket);

async function resync() {
  try {
    const result = await boardSync.fetch();
    if (!result) return;
    state.workshop = result.board.workshop;
    state.cards = new Map(result.board.cards.map((c) => [c.id, c]));
    for (const [event, data] of result.missed) applyCardEvent(state.cards, event, data);
    state.totals = result.board.totals || {};
    render();
  } catch {
    // The next reconnect syncs again.
  }
}

socket.on('card_posted', (card) => {
  const isNew = applyCardEvent(state.cards, 'card_posted', card);
  render();
  if (isNew) announce(t('new_card', { text: truncate(card.text, 100) }));
});
for (const event of ['card_edited', 'card_withdrawn']) {
  socket.on(event, (data) => {
    applyCardEvent(state.cards, event, data);
    render();
  });
}
socket.on('phase_changed', resync);
socket.on('tally', ({ totals }) => { state.totals = totals; render(); });

function ranked() {
  return ['results', 'closed'].includes(state.workshop.phase);
}

function buildCard(card) {
  const meta = [card.author_name || t('anonymous')];
  if (card.author_group) meta.push(groups[card.author_group] || card.author_group);
  const li = h('li', { class: `card card-${card.kind}`, id: `wall-${card.id}` },
    h('p', { class: 'card-text' }, card.text),
    card.answers && state.cards.has(card.answers)
      ? h('p', { class: 'card-answers' }, t('answers', { text: truncate(state.cards.get(card.answers).text, 60) }))
      : null,
    h('p', { class: 'card-meta' }, meta.join(' · ')));
  if (ranked()) li.prepend(h('p', { class: 'card-total' }, tn('dots_total', state.totals[card.id] || 0)));
  return li;
}

function render() {
  if (!state.workshop) return;
  const phase = state.workshop.phase;
  body.className = body.className.replace(/phase-\w+/, `phase-${phase}`);
  document.getElementById('phase-name').textContent = t(`phase_${phase}`);
  const given = Object.values(state.totals).reduce((sum, n) => sum + n, 0);
  document.getElementById('tally-summary').textContent = phase === 'vote' ? tn('dots_given', given) : '';
  let cards = [...state.cards.values()];
  if (ranked()) cards.sort((a, b) => (state.totals[b.id] || 0) - (state.totals[a.id] || 0));
  for (const kind of ['problem', 'solution']) {
    document.getElementById(`wall-${kind}`).replaceChildren(...cards.filter((c) => c.kind === kind).map(buildCard));
  }
  document.getElementById('wall-empty').hidden = cards.length > 0;
}
