// The participant's phone: the live board, the card form, the dots. Cards
// appear as they are posted, survive a lost connection (the outbox), and the
// board is replaced by the server's state on every reconnect (the store).
import { LANES, isMine, makeView, renderList } from '../cards.js';
import { config, limits, t, tn } from '../config.js';
import { TRANSIENT, connect } from '../connection.js';
import { announce, h, truncate, uuid4 } from '../dom.js';
import { Outbox, Retry } from '../outbox.js';
import { createStore, orderedCards } from '../store.js';
import { formatSeconds, workshopTimer } from '../timer.js';

const body = document.body;
const code = config.code;
const outbox = new Outbox(`querschnitt-outbox:${code}`);
const retry = new Retry();
const compose = document.getElementById('compose-form');

// The board the server rendered into the page, so that the phone shows it (with
// the cards still waiting in its outbox) before the socket connects, or when it cannot.
const store = createStore(body.dataset.board ? JSON.parse(body.dataset.board) : null);
// What only this screen knows: the card being edited, and where focus goes next.
let editing = null;
let pendingFocus = null;
let flushing = false;
// What the server refused about a card, shown on that card: card id -> message.
const refusals = new Map();
const readTimer = workshopTimer();
let timerShown; // 'running' | 'paused' | 'done' | null as last shown; undefined before the first render
let ticking = null;

const conn = connect({
  namespace: config.namespace,
  auth: config.auth,
  store,
  maxBytes: limits.message_bytes,
  onStatus(which, { error, retrying } = {}) {
    if (which === 'reconnecting') {
      if (document.getElementById('connection').dataset.state !== 'offline') setConnection('reconnecting');
      return;
    }
    setConnection(which);
    // The server refused us (the phone left the workshop): the page will ask to join again.
    if (error && !retrying && error.message === 'not joined') window.location.reload();
  },
  onSynced: flush,
});

// ---- connection -----------------------------------------------------------

// The status line is a live region: it changes only when there is news, not on
// every reconnect attempt, so a screen reader is not talked over.
function setConnection(which) {
  const el = document.getElementById('connection');
  let text = t(which);
  const waiting = outbox.entries().filter((e) => e.event === 'post_card').length;
  if (which !== 'online' && waiting) text = `${text} ${tn('pending_count', waiting)}`;
  el.dataset.state = which;
  if (el.textContent !== text) el.textContent = text;
}

// ---- what the server tells ----------------------------------------------------

store.subscribe((state, changes) => {
  // A refusal belongs to the phase it happened in.
  if (changes.some((c) => c.event === 'phase_changed' && c.news)) refusals.clear();
  render();
  for (const { event, payload, news, local } of changes) {
    // What this phone did itself is not news to it.
    if (local) continue;
    if (event === 'card_posted' && news && !isMine(payload.card, state.me)) {
      announce(payload.card.text
        ? t(`new_card_${payload.card.kind}`, { text: truncate(payload.card.text, 100) })
        : t('new_blind_card'));
    } else if (event === 'card_withdrawn' && news) {
      announce(t('card_removed'));
    } else if (event === 'phase_changed') {
      announce(t(`phase_${state.workshop.phase}`));
    } else if (event === 'workshop_changed' && payload.workshop.results_shown && state.workshop.phase === 'results') {
      announce(t('results_shown'));
    }
  }
});

// ---- sending --------------------------------------------------------------

/** Send what waits in the outbox, oldest first; stop at the first thing that cannot go now. */
async function flush() {
  if (flushing) return;
  flushing = true;
  try {
    for (;;) {
      const entry = outbox.entries()[0];
      if (!entry || !conn.connected) break;
      let reply;
      try {
        reply = await conn.send(entry.event, entry.payload);
      } catch {
        break; // no answer in time: keep it, try again on the next connect
      }
      if (!reply.ok && TRANSIENT.has(reply.code)) {
        retry.schedule(flush); // busy or too fast: again a little later, not only on reconnect
        break;
      }
      retry.reset();
      outbox.remove(entry.key);
      if (reply.ok && reply.card) store.update('card_edited', { card: reply.card });
      if (!reply.ok) {
        const message = t('rejected', { error: reply.error, text: truncate(entry.payload.text || '', 200) });
        // A refused change to a card that is still there is said on that card; a
        // refused new card is not on the board, so it is said above the lanes.
        if (entry.event !== 'post_card' && store.state.cards.has(entry.payload.id)) {
          refusals.set(entry.payload.id, message);
          announce(message);
        } else {
          showRejected(message);
        }
        await conn.resync();
      } else if (entry.event === 'post_card') {
        announce(t('sent'));
      }
      render();
    }
  } finally {
    flushing = false;
  }
}

function queue(event, key, payload) {
  outbox.put({ event, key, payload });
  render();
  flush();
}

function showError(message) {
  const el = document.getElementById('compose-error');
  el.textContent = message;
  el.hidden = false;
  announce(message);
}

/**
 * Tell the person that something they wrote offline was refused, with its text
 * to copy. Shown above the lanes, since the card form may be hidden by now.
 */
function showRejected(message) {
  const el = document.getElementById('rejected');
  el.append(h('p', {}, message));
  el.hidden = false;
  announce(message);
}

function textProblem(text) {
  const length = [...text].length;
  if (length < 1) return t('empty_text');
  if (length > limits.card_text) return t('too_long', { n: length });
  return null;
}

function cleanText(value) {
  return String(value || '').replace(/\r\n?/g, '\n').trim();
}

// ---- the person's actions ---------------------------------------------------

compose.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const data = new FormData(form);
  const text = cleanText(data.get('text'));
  const problem = textProblem(text);
  if (problem) {
    showError(problem);
    form.elements.text.focus();
    return;
  }
  document.getElementById('compose-error').hidden = true;
  const kind = String(data.get('kind') || 'problem');
  const answers = kind === 'solution' ? String(data.get('answers') || '') : '';
  const id = String(data.get('id')) || uuid4();
  queue('post_card', id, { id, kind, text, answers: answers || null });
  form.elements.text.value = '';
  form.elements.id.value = uuid4();
  form.elements.answers.value = '';
  updateCounter();
  form.elements.text.focus();
});

// The forms on the cards: with the script they go over the socket, without it they post.
document.addEventListener('submit', async (event) => {
  const form = event.target;
  const command = form.dataset.command;
  if (!command || form.id === 'compose-form') return;
  event.preventDefault();
  const id = form.elements.id.value;
  if (command === 'withdraw_card') {
    if (!window.confirm(t('withdraw_confirm'))) return;
    store.update('card_withdrawn', { id });
    queue('withdraw_card', `withdraw:${id}`, { id });
  } else if (command === 'edit_card') {
    const text = cleanText(form.elements.text.value);
    const problem = textProblem(text);
    if (problem) {
      showError(problem);
      return;
    }
    const card = store.state.cards.get(id);
    editing = null;
    refusals.delete(id);
    if (card) store.update('card_edited', { card: { ...card, text, edited: true } });
    queue('edit_card', `edit:${id}`, { id, text, answers: card ? card.answers : null });
    focusLater(`edit:${id}`);
  } else if (command === 'cast_vote' || command === 'take_back_vote') {
    await vote(command, id);
  }
});

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const { action, id } = button.dataset;
  // Focus is asked for before the render that replaces the button pressed.
  if (action === 'edit') {
    editing = id;
    focusLater(`edit-text:${id}`);
    render();
  } else if (action === 'cancel-edit') {
    editing = null;
    focusLater(`edit:${id}`);
    render();
  } else if (action === 'answer') {
    compose.querySelector('input[name="kind"][value="solution"]').checked = true;
    compose.elements.answers.value = id;
    updateKind();
    compose.elements.text.focus();
  }
});

/** A dot needs the server's word at once (the budget is the server's): no outbox. */
async function vote(command, id) {
  if (!conn.connected) {
    refuse(id, t('offline_vote'));
    return;
  }
  let reply;
  try {
    reply = await conn.send(command, { id });
  } catch {
    refuse(id, t('offline_vote'));
    return;
  }
  if (!reply.ok) {
    refuse(id, t('refused', { error: reply.error }));
    return;
  }
  refusals.delete(id);
  store.update('dots_changed', reply);
  announce(t(command === 'cast_vote' ? 'dot_given' : 'dot_taken', { n: reply.dots_left }));
}

/** Say on the card what was refused about it (and to screen readers, once). */
function refuse(id, message) {
  refusals.set(id, message);
  announce(message);
  render();
}

// ---- the compose form -------------------------------------------------------

compose.elements.text.addEventListener('input', updateCounter);
for (const radio of compose.querySelectorAll('input[name="kind"]')) {
  radio.addEventListener('change', updateKind);
}

function updateCounter() {
  const used = [...compose.elements.text.value].length;
  document.getElementById('card-text-count').textContent = t('chars_left', { n: limits.card_text - used });
}

function updateKind() {
  const kind = compose.querySelector('input[name="kind"]:checked');
  document.getElementById('answers-field').hidden = !kind || kind.value !== 'solution';
}

// ---- rendering --------------------------------------------------------------

/** Cards to show: the server's, then the ones still waiting in the outbox. */
function visibleCards(state) {
  const cards = [...state.cards.values()];
  for (const entry of outbox.entries()) {
    if (entry.event === 'post_card' && !state.cards.has(entry.payload.id)) {
      cards.push({
        ...entry.payload,
        author_name: '',
        author_key: state.me ? state.me.author_key : null,
        pending: true,
      });
    }
    if (entry.event === 'withdraw_card') {
      const index = cards.findIndex((c) => c.id === entry.payload.id);
      if (index >= 0) cards.splice(index, 1);
    }
  }
  return orderedCards(state, cards);
}

function focusLater(key) {
  pendingFocus = key;
}

function render() {
  const state = store.state;
  if (!state.workshop) return;
  const { phase, collecting, voting } = state.workshop;
  body.className = body.className.replace(/phase-\w+/, `phase-${phase}`);
  const phaseText = document.querySelector('.phase-text');
  if (phaseText.dataset.phase !== phase) {
    phaseText.dataset.phase = phase;
    phaseText.textContent = t(`phase_${phase}`);
  }
  const composeBox = document.getElementById('compose');
  const typing = composeBox.contains(document.activeElement);
  composeBox.hidden = !collecting;
  // The form someone was typing in went away with the phase: tell them where they are.
  if (typing && composeBox.hidden) phaseText.focus();
  const dotsLeft = document.getElementById('dots-left');
  dotsLeft.hidden = !voting || !state.me;
  if (state.me) {
    dotsLeft.textContent = state.me.dots_left > 0
      ? t('dots_left', { n: state.me.dots_left, budget: state.workshop.dot_budget })
      : t('dots_none', { budget: state.workshop.dot_budget });
  }
  if (!conn.connected) {
    const shown = document.getElementById('connection').dataset.state;
    setConnection(shown === 'offline' ? 'offline' : 'reconnecting');
  }
  document.getElementById('blind-note').hidden = !state.workshop.blind;
  document.getElementById('results-note').hidden = !(phase === 'results' && !state.workshop.results_shown);
  updateTimer(state.workshop);
  // A refusal about a card that left the board has nothing left to stand next to.
  for (const id of refusals.keys()) if (!state.cards.has(id)) refusals.delete(id);

  const cards = visibleCards(state);
  const view = makeView('board', state, cards, { editing, csrf: config.csrf, code, maxText: limits.card_text, refusals });
  const active = document.activeElement;
  const focusKey = pendingFocus || (active && active.dataset ? active.dataset.focus : null);
  pendingFocus = null;

  for (const kind of LANES) {
    const lane = cards.filter((c) => c.kind === kind);
    renderList(document.getElementById(`cards-${kind}`), lane, view);
    document.getElementById(`empty-${kind}`).hidden = lane.length > 0;
    document.getElementById(`count-${kind}`).textContent = lane.length;
    if (kind === 'need') {
      // The needs of the week stand here only once the synthesis board put them to the vote.
      document.getElementById('lane-need').hidden = lane.length === 0;
      document.getElementById('nav-need').hidden = lane.length === 0;
    }
  }
  updateAnswerChoices(view.problems);
  if (focusKey && (!document.activeElement || document.activeElement === body || document.activeElement.dataset.focus !== focusKey)) {
    focusFirst(focusKey);
  }
}

// Where focus goes when the control that had it is gone or disabled: a dot's
// other button on the same card, else nowhere new.
const FOCUS_FALLBACK = { vote: ['unvote'], unvote: ['vote'], answer: [], edit: [], withdraw: [] };

function focusFirst(key) {
  const [kind, id] = key.split(/:(.*)/s);
  const keys = [key, ...(FOCUS_FALLBACK[kind] || []).map((other) => `${other}:${id}`)];
  for (const candidate of keys) {
    const target = document.querySelector(`[data-focus="${CSS.escape(candidate)}"]`);
    if (target && !target.disabled) {
      target.focus();
      return;
    }
  }
}

function updateAnswerChoices(problems) {
  const select = compose.elements.answers;
  const chosen = select.value;
  const options = [h('option', { value: '' }, t('answer_none'))];
  for (const problem of problems.values()) {
    // A covered card of a blind collect cannot be answered: its text is not known here.
    if (!problem.pending && problem.text && problem.status !== 'pending') options.push(h('option', { value: problem.id }, truncate(problem.text, 70)));
  }
  const signature = JSON.stringify(options.map((o) => [o.value, o.textContent]));
  if (select.dataset.signature !== signature) {
    select.replaceChildren(...options);
    select.dataset.signature = signature;
    select.value = problems.has(chosen) ? chosen : '';
  }
}

// ---- the timer ----------------------------------------------------------------

/**
 * The timer, small under the phase. It is a role=timer (not announced as it
 * counts); screen readers hear once when it starts and once when time is up.
 */
function updateTimer(workshop) {
  const reading = readTimer(workshop);
  const el = document.getElementById('timer');
  el.hidden = !reading;
  const now = reading ? (reading.done ? 'done' : reading.state) : null;
  if (reading) {
    el.dataset.state = now;
    const time = formatSeconds(reading.seconds);
    const text = reading.done ? t('timer_done') : t(reading.state === 'paused' ? 'timer_paused' : 'timer', { time });
    if (el.textContent !== text) el.textContent = text;
  }
  // Only news is said: a timer that starts (not one resumed, not the one the page
  // opened with), and the end of the time.
  if (now !== timerShown && timerShown !== undefined) {
    if (now === 'running' && timerShown !== 'paused') announce(t('timer_started', { time: formatSeconds(reading.seconds) }));
    else if (now === 'done' && timerShown === 'running') announce(t('timer_done'));
  }
  timerShown = now;
  const running = now === 'running';
  if (running && !ticking) ticking = window.setInterval(() => updateTimer(store.state.workshop), 500);
  if (!running && ticking) {
    window.clearInterval(ticking);
    ticking = null;
  }
}

updateKind();
updateCounter();
render();
window.addEventListener('online', () => conn.reconnectNow());
