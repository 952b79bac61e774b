// The synthesis board on the projector: read-only and live. It asks only for the
// board (synth_sync, synth_cards) and follows the facts the facilitators' steps send
// (need_changed, need_deleted, synth_cards_changed); the server refuses it any change.
// One screen that never scrolls: needs and matrix rows that do not fit are counted.
//
// `io` is the vendored Socket.IO client, loaded before this module.
import { config, t, tn } from '../config.js';
import { h } from '../dom.js';
import { renderMatrix } from '../synthesis/matrix.js';

const groups = config.groups || {};
const state = { workshops: [], cardsById: new Map(), needs: new Map() };
const $ = (id) => document.getElementById(id);

const socket = io(config.namespace, {
  transports: ['websocket'],
  auth: config.auth,
  reconnectionDelay: 500,
  reconnectionDelayMax: 5000,
  timeout: 5000,
});

function sortedNeeds() {
  return [...state.needs.values()].sort((a, b) => (a.position - b.position) || (a.id - b.id));
}

function take(board) {
  state.workshops = board.workshops;
  state.cardsById = new Map(board.cards.map((c) => [c.id, c]));
  state.needs = new Map(board.needs.map((n) => [n.id, n]));
}

function needItem(need) {
  const counts = [`${tn('card_count', need.card_count)} · ${tn('dots_total', need.dots)}`];
  if (need.goals && need.goals.length) counts.push(tn('goals', need.goals.length));
  const themes = need.themes.map((w) => w.title).join(', ');
  const groupText = Object.entries(need.groups || {})
    .map(([key, n]) => `${groups[key] || key} (${n})`).join(', ');
  return h('li', { class: 'synth-wall-need', dataset: { need: need.id } },
    h('h3', {}, need.title),
    need.vote ? h('p', { class: 'synth-wall-vote' }, tn('vote_dots', need.vote.dots)) : null,
    h('p', { class: 'synth-wall-origin' }, counts.join(' · ')),
    themes ? h('p', { class: 'synth-wall-origin' }, tn('origin_themes', need.themes.length, { themes })) : null,
    groupText ? h('p', { class: 'synth-wall-origin' }, t('origin_groups', { groups: groupText })) : null);
}

/** Show as many items as fit in the box, the first ones first; count the rest. */
function fit(box, items, more, key) {
  for (const item of items) item.hidden = false;
  let hidden = 0;
  while (hidden < items.length && box.scrollHeight > box.clientHeight + 1) {
    hidden += 1;
    items[items.length - hidden].hidden = true;
  }
  more.hidden = hidden === 0;
  more.textContent = hidden ? tn(key, hidden) : '';
}

function render() {
  const needs = sortedNeeds();
  const list = $('wall-needs');
  list.replaceChildren(...needs.map(needItem));
  $('wall-needs-empty').hidden = needs.length > 0;
  fit(list, [...list.children], $('wall-needs-more'), 'more_needs');
  const table = $('wall-matrix');
  renderMatrix(table, needs, state.workshops, state.cardsById);
  const box = table.parentElement;
  fit(box, [...table.tBodies[0].rows], $('wall-matrix-more'), 'more_needs');
}

async function fetchBoard(command) {
  try {
    const reply = await socket.timeout(10000).emitWithAck(command, {});
    if (reply && reply.ok) {
      take(reply.synthesis);
      render();
    }
  } catch {
    // No answer: the next fact or reconnect fetches again.
  }
}

let again = null;
/** Fetch the cards and counts again, at most every couple of seconds. */
function refreshSoon() {
  if (again) return;
  again = setTimeout(() => {
    again = null;
    fetchBoard('synth_cards');
  }, 1500);
}

socket.on('need_changed', ({ need }) => {
  state.needs.set(need.id, need);
  render();
});
socket.on('need_deleted', ({ id }) => {
  state.needs.delete(id);
  render();
});
socket.on('synth_cards_changed', refreshSoon);
socket.on('overview', refreshSoon);

function showStatus(online) {
  const el = $('connection');
  el.dataset.state = online ? 'online' : 'offline';
  el.textContent = online ? '' : t('offline');
  el.hidden = online;
}

socket.on('connect', async () => {
  await fetchBoard('synth_sync');
  showStatus(true);
});
socket.on('disconnect', () => showStatus(false));
socket.on('connect_error', () => showStatus(false));
window.addEventListener('resize', () => render());
