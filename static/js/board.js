// The participant's live board: cards appear as they are posted, survive a lost
// connection, and the board is replaced by the server's state on every reconnect.
import { BoardSync, Outbox, announce, applyCardEvent, connect, h, send, t, tn, truncate, uuid4 } from './common.js';

const body = document.body;
const code = body.dataset.code;
const csrf = body.dataset.csrf;
const groups = JSON.parse(body.dataset.groups || '{}');
const outbox = new Outbox(`querschnitt-outbox:${code}`);
const MAX_TEXT = 500;
// Refusals that mean "try again later" rather than "this card is wrong".
const TRANSIENT = new Set(['throttled', 'not_connected', 'error']);

const state = {
  workshop: null,
  cards: new Map(), // id -> card, in board order
  totals: null,
  me: null,
  editing: null,
};

const socket = connect(code);
let flushing = false;

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

socket.on('connect', async () => {
  setConnection('online');
  await resync();
  await flush();
});
socket.on('disconnect', () => setConnection('offline'));
socket.on('connect_error', (err) => {
  setConnection('offline');
  // The server refused us (the phone left the workshop): the page will ask to join again.
  if (!socket.active && err && err.message === 'not joined') window.location.reload();
});
socket.io.on('reconnect_attempt', () => {
  if (document.getElementById('connection').dataset.state !== 'offline') setConnection('reconnecting');
});

const boardSync = new BoardSync(socket);

async function resync() {
  try {
    const result = await boardSync.fetch();
    if (!result) return;
    applySnapshot(result.board);
    for (const [event, data] of result.missed) applyCardEvent(state.cards, event, data);
    render();
  } catch {
    // Timed out: the next reconnect syncs again.
  }
}

function applySnapshot(board) {
  state.workshop = board.workshop;
  state.cards = new Map(board.cards.map((card) => [card.id, card]));
  state.totals = board.totals;
  state.me = board.me;
  render();
}

socket.on('card_posted', (card) => {
  const isNew = applyCardEvent(state.cards, 'card_posted', card);
  render();
  if (isNew && !isMine(card)) {
    announce(t(`new_card_${card.kind}`, { text: truncate(card.text, 100) }));
  }
});
socket.on('card_edited', (card) => {
  applyCardEvent(state.cards, 'card_edited', card);
  render();
});
socket.on('card_withdrawn', (data) => {
  if (applyCardEvent(state.cards, 'card_withdrawn', data)) {
    render();
    announce(t('card_removed'));
  }
});
socket.on('phase_changed', async () => {
  await resync();
  announce(t(`phase_${state.workshop.phase}`));
});
socket.on('dots_changed', (change) => {
  applyDots(change);
  render();
});

/** Take in one dot given or taken back (from this tab's reply or another tab's news). */
function applyDots({ card, dots, dots_left: left }) {
  if (!state.me) return;
  state.me.votes = { ...state.me.votes, [card]: dots };
  if (!dots) delete state.me.votes[card];
  state.me.dots_left = left;
}
socket.on('tally', ({ totals }) => {
  if (state.totals !== null) {
    state.totals = totals;
    render();
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
      if (!entry || !socket.connected) break;
      let reply;
      try {
        reply = await send(socket, entry.event, entry.payload);
      } catch {
        break; // no answer in time: keep it, try again on the next connect
      }
      if (!reply.ok && TRANSIENT.has(reply.code)) break;
      outbox.remove(entry.key);
      if (reply.ok && reply.card) state.cards.set(reply.card.id, reply.card);
      if (!reply.ok) {
        showRejected(t('rejected', { error: reply.error, text: truncate(entry.payload.text || '', 200) }));
        await resync();
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
  if (length > MAX_TEXT) return t('too_long', { n: length });
  return null;
}

// ---- the person's actions ---------------------------------------------------

document.getElementById('compose-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const data = new FormData(form);
  const text = String(data.get('text') || '').replace(/\r\n?/g, '\n').trim();
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

document.addEventListener('submit', async (event) => {
  const form = event.target;
  const command = form.dataset.command;
  if (!command || form.id === 'compose-form') return;
  event.preventDefault();
  const id = form.elements.id.value;
  if (command === 'withdraw_card') {
    if (!window.confirm(t('withdraw_confirm'))) return;
    state.cards.delete(id);
    queue('withdraw_card', `withdraw:${id}`, { id });
  } else if (command === 'edit_card') {
    const text = form.elements.text.value.replace(/\r\n?/g, '\n').trim();
    const problem = textProblem(text);
    if (problem) {
      showError(problem);
      return;
    }
    const card = state.cards.get(id);
    if (card) state.cards.set(id, { ...card, text, edited: true });
    state.editing = null;
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
  if (action === 'edit') {
    state.editing = id;
    render();
    focusLater(`edit-text:${id}`);
  } else if (action === 'cancel-edit') {
    state.editing = null;
    render();
    focusLater(`edit:${id}`);
  } else if (action === 'answer') {
    const form = document.getElementById('compose-form');
    form.querySelector('input[name="kind"][value="solution"]').checked = true;
    form.elements.answers.value = id;
    updateKind();
    form.elements.text.focus();
  }
});

async function vote(command, id) {
  if (!socket.connected) {
    announce(t('offline_vote'));
    showVoteMessage(t('offline_vote'));
    return;
  }
  let reply;
  try {
    reply = await send(socket, command, { id });
  } catch {
    showVoteMessage(t('offline_vote'));
    return;
  }
  if (!reply.ok) {
    showVoteMessage(reply.error);
    announce(reply.error);
    return;
  }
  applyDots(reply);
  render();
  showVoteMessage('');
  announce(t(command === 'cast_vote' ? 'dot_given' : 'dot_taken', { n: reply.dots_left }));
}

function showVoteMessage(message) {
  const el = document.getElementById('pending');
  el.textContent = message;
  el.hidden = !message;
}

// ---- the compose form -------------------------------------------------------

const compose = document.getElementById('compose-form');
compose.elements.text.addEventListener('input', updateCounter);
for (const radio of compose.querySelectorAll('input[name="kind"]')) {
  radio.addEventListener('change', updateKind);
}

function updateCounter() {
  const used = [...compose.elements.text.value].length;
  document.getElementById('card-text-count').textContent = t('chars_left', { n: MAX_TEXT - used });
}

function updateKind() {
  const kind = compose.querySelector('input[name="kind"]:checked');
  document.getElementById('answers-field').hidden = !kind || kind.value !== 'solution';
}

// ---- rendering --------------------------------------------------------------

function isMine(card) {
  return Boolean(state.me && card.author_key === state.me.author_key);
}

/** Cards to show: the server's, then the ones still waiting in the outbox. */
function visibleCards() {
  const cards = [...state.cards.values()];
  const known = new Set(state.cards.keys());
  for (const entry of outbox.entries()) {
    if (entry.event === 'post_card' && !known.has(entry.payload.id)) {
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
  if (state.totals && resultsShown()) {
    const totals = state.totals;
    cards.sort((a, b) => (totals[b.id] || 0) - (totals[a.id] || 0));
  }
  return cards;
}

function resultsShown() {
  return state.workshop && ['results', 'closed'].includes(state.workshop.phase);
}

function buildCard(card, context) {
  const { phase, problems, solutionsOf } = context;
  const mine = isMine(card);
  const myDots = state.me ? state.me.votes[card.id] || 0 : 0;
  // A card still waiting to be sent has no author from the server yet: "anonym"
  // would tell its writer the wrong thing.
  const meta = card.pending ? [t('pending')] : [card.author_name || t('anonymous')];
  if (card.author_group && !card.pending) meta.push(groups[card.author_group] || card.author_group);
  if (card.edited) meta.push(t('edited'));
  const li = h('li', {
    class: `card card-${card.kind}${mine ? ' card-mine' : ''}${card.pending ? ' card-pending' : ''}`,
    id: `card-${card.id}`,
    dataset: { id: card.id },
  });
  li.append(h('p', { class: 'card-kind' }, card.kind === 'problem' ? t('kind_problem') : t('kind_solution')));
  if (state.editing === card.id) {
    li.append(editForm(card));
  } else {
    li.append(h('p', { class: 'card-text' }, card.text));
  }
  if (card.answers && problems.has(card.answers)) {
    li.append(h('p', { class: 'card-answers' }, t('answers', { text: truncate(problems.get(card.answers).text, 80) })));
  }
  li.append(h('p', { class: 'card-meta' }, meta.join(' · ')));
  const solutions = solutionsOf.get(card.id) || [];
  if (card.kind === 'problem' && solutions.length) {
    li.append(h('div', { class: 'card-solutions' },
      h('p', { class: 'card-solutions-title' }, t('answered_by')),
      h('ul', {}, solutions.map((s) => h('li', {}, truncate(s.text, 120))))));
  }
  if (state.totals && (resultsShown())) {
    li.append(h('p', { class: 'card-total' }, tn('dots_total', state.totals[card.id] || 0)));
  }
  if (phase === 'vote' && state.me && !card.pending) {
    const label = truncate(card.text, 60);
    const full = myDots >= state.workshop.max_dots_per_card;
    li.append(h('div', { class: 'card-vote' },
      h('p', { class: 'my-dots' }, t(full ? 'my_dots_full' : 'my_dots', { n: myDots }), ' ', h('span', { class: 'dots', 'aria-hidden': 'true' }, '●'.repeat(myDots))),
      commandForm('cast_vote', 'votes', card.id,
        h('button', { class: 'button', type: 'submit', 'aria-label': t('vote_label', { text: label }), dataset: { focus: `vote:${card.id}` }, disabled: state.me.dots_left < 1 || full }, `+ ${t('vote')}`)),
      myDots ? commandForm('take_back_vote', 'votes/take-back', card.id,
        h('button', { class: 'button', type: 'submit', 'aria-label': t('unvote_label', { text: label }), dataset: { focus: `unvote:${card.id}` } }, `− ${t('unvote')}`)) : null));
  }
  if (phase === 'collect' && !card.pending && state.editing !== card.id) {
    const actions = h('div', { class: 'card-actions' });
    if (card.kind === 'problem') {
      actions.append(h('button', { class: 'button subtle', type: 'button', dataset: { action: 'answer', id: card.id, focus: `answer:${card.id}` }, 'aria-label': `${t('answer_this')}: ${truncate(card.text, 60)}` }, t('answer_this')));
    }
    if (mine) {
      actions.append(
        h('button', { class: 'button subtle', type: 'button', dataset: { action: 'edit', id: card.id, focus: `edit:${card.id}` } }, t('edit')),
        commandForm('withdraw_card', 'cards/withdraw', card.id,
          h('button', { class: 'button subtle', type: 'submit', dataset: { focus: `withdraw:${card.id}` } }, t('withdraw'))));
    }
    li.append(actions);
  }
  return li;
}

function commandForm(command, path, id, button) {
  return h('form', { method: 'post', action: `/w/${code}/${path}`, dataset: { command } },
    h('input', { type: 'hidden', name: 'csrf_token', value: csrf }),
    h('input', { type: 'hidden', name: 'id', value: id }),
    button);
}

function editForm(card) {
  const fieldId = `edit-text-${card.id}`;
  const form = commandForm('edit_card', 'cards/edit', card.id, []);
  form.append(
    h('label', { for: fieldId }, t('edit')),
    h('textarea', { id: fieldId, name: 'text', rows: 3, maxlength: MAX_TEXT, dataset: { focus: `edit-text:${card.id}` } }, card.text),
    h('div', { class: 'card-actions' },
      h('button', { class: 'button primary', type: 'submit' }, t('save')),
      h('button', { class: 'button subtle', type: 'button', dataset: { action: 'cancel-edit', id: card.id } }, t('cancel'))));
  return form;
}

let pendingFocus = null;
function focusLater(key) {
  pendingFocus = key;
}

function render() {
  if (!state.workshop) return;
  const phase = state.workshop.phase;
  body.className = body.className.replace(/phase-\w+/, `phase-${phase}`);
  const phaseText = document.querySelector('.phase-text');
  if (phaseText.dataset.phase !== phase) {
    phaseText.dataset.phase = phase;
    phaseText.textContent = t(`phase_${phase}`);
  }
  const composeBox = document.getElementById('compose');
  const typing = composeBox.contains(document.activeElement);
  composeBox.hidden = phase !== 'collect';
  // The form someone was typing in went away with the phase: tell them where they are.
  if (typing && composeBox.hidden) phaseText.focus();
  const dotsLeft = document.getElementById('dots-left');
  dotsLeft.hidden = phase !== 'vote' || !state.me;
  if (state.me) {
    dotsLeft.textContent = state.me.dots_left > 0
      ? t('dots_left', { n: state.me.dots_left, budget: state.workshop.dot_budget })
      : t('dots_none', { budget: state.workshop.dot_budget });
  }
  if (!socket.connected) {
    const shown = document.getElementById('connection').dataset.state;
    setConnection(shown === 'offline' ? 'offline' : 'reconnecting');
  }

  const cards = visibleCards();
  const problems = new Map(cards.filter((c) => c.kind === 'problem').map((c) => [c.id, c]));
  const solutionsOf = new Map();
  for (const card of cards) {
    if (card.kind === 'solution' && card.answers) {
      if (!solutionsOf.has(card.answers)) solutionsOf.set(card.answers, []);
      solutionsOf.get(card.answers).push(card);
    }
  }
  const context = { phase, problems, solutionsOf };
  const active = document.activeElement;
  const focusKey = pendingFocus || (active && active.dataset ? active.dataset.focus : null);
  pendingFocus = null;

  for (const kind of ['problem', 'solution']) {
    const list = document.getElementById(`cards-${kind}`);
    const lane = cards.filter((c) => c.kind === kind);
    const wanted = lane.map((card) => reuseOrBuild(list, card, context));
    for (const child of [...list.children]) {
      if (!wanted.includes(child)) child.remove();
    }
    wanted.forEach((el, index) => {
      if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
    });
    document.getElementById(`empty-${kind}`).hidden = lane.length > 0;
    document.getElementById(`count-${kind}`).textContent = lane.length;
  }
  updateAnswerChoices(problems);
  if (focusKey && (!document.activeElement || document.activeElement === body || document.activeElement.dataset.focus !== focusKey)) {
    focusFirst(focusKey);
  }
}

// Where focus goes when the control that had it is gone or disabled: a dot's
// other button on the same card, else the card's lane.
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

function reuseOrBuild(list, card, context) {
  const signature = JSON.stringify([
    card, isMine(card), state.me && state.me.votes[card.id], state.me && state.me.dots_left > 0, state.workshop.max_dots_per_card,
    state.totals && resultsShown() ? state.totals[card.id] || 0 : null, context.phase, state.editing === card.id,
    card.answers && context.problems.has(card.answers) ? context.problems.get(card.answers).text : null,
    (context.solutionsOf.get(card.id) || []).map((s) => s.text),
  ]);
  const existing = document.getElementById(`card-${card.id}`);
  if (existing && existing.parentElement === list && existing.dataset.signature === signature) return existing;
  const el = buildCard(card, context);
  el.dataset.signature = signature;
  if (existing) existing.replaceWith(el);
  return el;
}

function updateAnswerChoices(problems) {
  const select = compose.elements.answers;
  const chosen = select.value;
  const options = [h('option', { value: '' }, t('answer_none'))];
  for (const problem of problems.values()) {
    if (!problem.pending) options.push(h('option', { value: problem.id }, truncate(problem.text, 70)));
  }
  const signature = JSON.stringify(options.map((o) => [o.value, o.textContent]));
  if (select.dataset.signature !== signature) {
    select.replaceChildren(...options);
    select.dataset.signature = signature;
    select.value = problems.has(chosen) ? chosen : '';
  }
}

updateKind();
updateCounter();
// Show the board the server rendered, with the cards still waiting in this
// phone's outbox, before the socket connects (or when it cannot).
if (body.dataset.board) applySnapshot(JSON.parse(body.dataset.board));
// The phone is back on the network: try at once instead of waiting out the back-off.
window.addEventListener('online', () => {
  if (!socket.connected) socket.disconnect().connect();
});
