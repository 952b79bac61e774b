// The facilitator's console: the live board with the dot totals, and the phase
// switch over the socket. The phase forms still post when the socket is not
// there, so the console also works without it (and without JavaScript).
import { makeView, renderList } from '../cards.js';
import { config, limits, t, tn } from '../config.js';
import { TRANSIENT, connect } from '../connection.js';
import { announce } from '../dom.js';
import { createStore, orderedCards } from '../store.js';

const store = createStore();
const phaseForms = [...document.querySelectorAll('form[data-command="set_phase"]')];

function setConnection(which) {
  const el = document.getElementById('connection');
  el.dataset.state = which;
  el.textContent = which === 'online' ? t('online') : t('offline');
  el.hidden = false;
}

const conn = connect({
  namespace: config.namespace,
  auth: config.auth,
  store,
  maxBytes: limits.message_bytes,
  onStatus: (which) => { if (which !== 'reconnecting') setConnection(which); },
});

store.subscribe((state, changes) => {
  render();
  for (const { event, local } of changes) {
    if (event === 'phase_changed' && !local) announce(t('phase_now', { phase: t(`phase_${state.workshop.phase}`) }));
  }
});

function showError(message) {
  const el = document.getElementById('console-error');
  el.textContent = message;
  el.hidden = !message;
}

for (const form of phaseForms) {
  form.addEventListener('submit', async (event) => {
    // Without a socket the form posts as it does without JavaScript.
    if (!conn.connected) return;
    event.preventDefault();
    const phase = form.elements.phase.value;
    let reply;
    try {
      reply = await conn.send('set_phase', { phase });
    } catch {
      reply = null; // no answer in time
    }
    if (!reply || (!reply.ok && TRANSIENT.has(reply.code))) {
      // The socket could not do it now; the page's own path can. (form.submit()
      // does not fire this handler again.) Setting the same phase twice is harmless.
      form.submit();
      return;
    }
    if (!reply.ok) {
      showError(reply.error);
      announce(reply.error);
      return;
    }
    showError('');
    // The phase_changed fact follows with the totals; the reply already says the phase.
    const { totals, dots_given: given } = store.state;
    // The fact (announced when it comes) may come before or after this reply.
    store.update('phase_changed', { workshop: reply.workshop, totals, dots_given: given });
  });
}

function render() {
  const state = store.state;
  if (!state.workshop) return;
  const { phase, voting } = state.workshop;
  document.getElementById('current-phase').textContent = t(`phase_${phase}`);
  for (const form of phaseForms) {
    const button = form.querySelector('button');
    const current = form.elements.phase.value === phase;
    button.classList.toggle('primary', current);
    if (current) button.setAttribute('aria-current', 'step');
    else button.removeAttribute('aria-current');
  }
  const board = document.getElementById('live-board');
  board.hidden = false;
  document.getElementById('console-tally').textContent = voting ? tn('dots_given', state.dots_given || 0) : '';
  const cards = orderedCards(state);
  const view = makeView('console', state, cards);
  for (const kind of ['problem', 'solution']) {
    const lane = cards.filter((c) => c.kind === kind);
    renderList(document.getElementById(`console-${kind}`), lane, view);
    document.getElementById(`console-count-${kind}`).textContent = lane.length;
  }
  document.getElementById('console-empty').hidden = cards.length > 0;
}
