// The projector: one screen the room reads, following the console with nobody
// touching it. Read-only: it only ever sends `sync`. It never scrolls: the way in
// (QR code and short code) is large while collecting and a corner afterwards,
// the lanes show as many cards as fit and say how many more there are, and the
// ranking once the facilitator reveals it is a bar per card.
import { LANES, makeView, renderList } from '../cards.js';
import { config, limits, t, tn } from '../config.js';
import { connect } from '../connection.js';
import { announce, truncate } from '../dom.js';
import { createStore } from '../store.js';
import { formatSeconds, workshopTimer } from '../timer.js';

const body = document.body;
const store = createStore();
const readTimer = workshopTimer();
let ticking = null;

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
    if (event === 'card_posted' && news) {
      announce(payload.card.text ? t('new_card', { text: truncate(payload.card.text, 100) }) : t('new_blind_card'));
    }
  }
});

/** The wall's order: pinned cards first, then the newest; the ranking once results are shown. */
function wallOrder(state) {
  const cards = [...state.cards.values()];
  if (state.workshop.results_shown && state.totals) {
    const totals = state.totals;
    return cards.sort((a, b) => (totals[b.id] || 0) - (totals[a.id] || 0));
  }
  cards.reverse();
  return cards.sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)));
}

function render() {
  const state = store.state;
  if (!state.workshop) return;
  const { phase, voting, blind, results_shown: shown } = state.workshop;
  body.className = body.className.replace(/phase-\w+/, `phase-${phase}`);
  body.dataset.join = phase === 'collect' ? 'large' : phase === 'closed' ? 'none' : 'small';
  body.dataset.results = shown ? 'shown' : phase === 'results' ? 'pending' : '';
  body.dataset.blind = blind ? 'true' : 'false';
  document.getElementById('phase-name').textContent = t(`phase_${phase}`);

  const counts = [];
  if (voting || shown) {
    counts.push(tn('dots_given', state.dots_given || 0));
    if (state.voters !== null) counts.push(tn('voters', state.voters));
  }
  setText(document.getElementById('tally-summary'), counts.join(' · '));

  let notice = '';
  if (phase === 'closed') notice = t('thanks');
  else if (phase === 'results' && !shown) notice = t('results_pending');
  else if (blind) notice = t('blind_title');
  const noticeEl = document.getElementById('wall-notice');
  setText(noticeEl, notice);
  noticeEl.hidden = !notice;

  const cards = wallOrder(state);
  const lanes = Object.fromEntries(LANES.map((kind) => [kind, cards.filter((c) => c.kind === kind)]));
  // The needs of the week get a lane of their own once they are put to the vote here.
  document.getElementById('wall-lane-need').hidden = lanes.need.length === 0;
  document.getElementById('wall-lanes').classList.toggle('with-needs', lanes.need.length > 0);
  // A blind collect shows how many cards there are, never what they say.
  const covered = blind && !shown;
  document.getElementById('wall-blind').hidden = !covered;
  document.getElementById('wall-lanes').hidden = covered;
  document.getElementById('wall-empty').hidden = cards.length > 0 || covered || phase === 'closed';
  if (covered) {
    setText(document.getElementById('blind-problem'), tn('blind_problems', lanes.problem.length));
    setText(document.getElementById('blind-solution'), tn('blind_solutions', lanes.solution.length));
  }
  const view = makeView('projector', state, cards);
  for (const kind of LANES) {
    const list = document.getElementById(`wall-${kind}`);
    renderList(list, covered ? [] : lanes[kind], view);
    fit(list, document.getElementById(`more-${kind}`));
  }
  updateTimer(state.workshop);
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Show as many of the list's cards as fit in its lane, the first ones first,
 * and say how many more there are: the wall never scrolls.
 */
function fit(list, more) {
  const items = [...list.children];
  for (const item of items) item.hidden = false;
  more.hidden = true;
  if (!items.length || list.scrollHeight <= list.clientHeight + 1) return;
  // The "+N" line takes its room from the list, so it is shown before measuring.
  more.textContent = tn('more', items.length);
  more.hidden = false;
  const bottom = list.getBoundingClientRect().bottom + 1;
  let first = items.findIndex((item) => item.getBoundingClientRect().bottom > bottom);
  if (first < 0) first = items.length;
  for (const item of items.slice(first)) item.hidden = true;
  const hidden = items.length - first;
  if (hidden) more.textContent = tn('more', hidden);
  more.hidden = hidden === 0;
}

window.addEventListener('resize', () => render());

// ---- the timer --------------------------------------------------------------

/** Count down; at zero the timer's text grows, so the lanes are fitted again. */
function tick() {
  const before = document.getElementById('timer').dataset.state;
  updateTimer(store.state.workshop);
  if (document.getElementById('timer').dataset.state !== before) render();
}

function updateTimer(workshop) {
  const reading = readTimer(workshop);
  const el = document.getElementById('timer');
  el.hidden = !reading;
  if (reading) {
    el.dataset.state = reading.done ? 'done' : reading.state;
    let text = formatSeconds(reading.seconds);
    if (reading.done) text = `${text} – ${t('timer_done')}`;
    else if (reading.state === 'paused') text = `${text} (${t('timer_paused')})`;
    setText(document.getElementById('timer-value'), text);
  }
  const running = Boolean(reading && reading.state === 'running' && !reading.done);
  if (running && !ticking) ticking = window.setInterval(tick, 250);
  if (!running && ticking) {
    window.clearInterval(ticking);
    ticking = null;
  }
}
