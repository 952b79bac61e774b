// The facilitator's console: the live board with every card and its dots, the
// phases, the timer, the options, paper cards and dots, the reveal, and the
// moderation log with undo. Every control is a real form (templates/facilitate/
// console.html and static/js/console/board.js); this script sends it over the
// socket and lets it post as usual when there is no socket.
import { renderBoard, createUi } from '../console/board.js';
import { renderLog } from '../console/log.js';
import { formPayload, sendCommand, showError } from '../console/send.js';
import { createTimer } from '../console/timer.js';
import { config, limits, t, tn } from '../config.js';
import { connect } from '../connection.js';
import { announce, h, truncate, uuid4 } from '../dom.js';
import { createStore } from '../store.js';

const store = createStore();
const ui = createUi();
const timer = createTimer();
const $ = (id) => document.getElementById(id);
const phaseForms = [...document.querySelectorAll('form[data-command="set_phase"]')];
const optionsForm = document.querySelector('form[data-command="set_options"]');
const paperForm = document.querySelector('form[data-command="paper_card"]');
/** Where a refusal of each command of the page's fixed forms is shown. */
const ERROR_PLACES = {
  set_phase: 'console-error',
  set_options: 'options-error',
  paper_card: 'paper-error',
  reveal_results: 'reveal-error',
  hide_results: 'reveal-error',
  reveal_cards: 'reveal-error',
  undo: 'log-error',
};
/** After a step on a card, the control that takes it back has the focus. */
const FOCUS_AFTER = {
  hide_card: 'restore_card', restore_card: 'hide_card', approve_card: 'hide_card',
  pin_card: 'unpin_card', unpin_card: 'pin_card', edit_card: 'edit', merge_cards: 'merge',
};
let pendingFocus = null;
let optionsDirty = false;

function setConnection(which) {
  const el = $('connection');
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
  for (const { event, local, payload } of changes) {
    if (local) continue;
    if (event === 'phase_changed') announce(t('phase_now', { phase: t(`phase_${state.workshop.phase}`) }));
    if (event === 'card_posted' && payload.card.status === 'pending') {
      announce(t('new_pending', { text: truncate(payload.card.text, 80) }));
    }
  }
});

// ---- phases, asked once in the page before ending the collecting or the workshop

let confirming = null;

function needsConfirm(target) {
  const phase = store.state.workshop ? store.state.workshop.phase : null;
  return target === 'closed' || (phase === 'collect' && target !== 'collect');
}

function closeConfirm(focusBack) {
  const form = confirming;
  confirming = null;
  $('phase-confirm').hidden = true;
  if (focusBack && form) form.querySelector('button').focus();
}

async function switchPhase(form) {
  const phase = form.elements.phase.value;
  const reply = await sendCommand(conn, form, 'set_phase', { phase }, $('console-error'));
  if (!reply) return;
  const { totals, dots_given: given, voters } = store.state;
  // The phase_changed fact (announced when it comes) may come before or after this reply.
  store.update('phase_changed', { workshop: reply.workshop, totals, dots_given: given, voters });
}

for (const form of phaseForms) {
  form.addEventListener('submit', (event) => {
    const target = form.elements.phase.value;
    const current = store.state.workshop && store.state.workshop.phase === target;
    if (!current && needsConfirm(target) && confirming !== form) {
      event.preventDefault();
      confirming = form;
      const label = t(`phase_${target}`);
      $('phase-confirm-text').textContent = target === 'closed'
        ? t('confirm_close') : t('confirm_leave_collect', { phase: label });
      $('phase-confirm').hidden = false;
      $('phase-confirm-yes').focus();
      return;
    }
    // Without a socket the form posts as it does without JavaScript.
    if (!conn.connected) return;
    event.preventDefault();
    switchPhase(form);
  });
}
$('phase-confirm-yes').addEventListener('click', () => {
  const form = confirming;
  if (!form) return;
  closeConfirm(false);
  form.querySelector('button').focus();
  if (conn.connected) switchPhase(form);
  else form.submit();
});
$('phase-confirm-no').addEventListener('click', () => closeConfirm(true));
$('phase-confirm').addEventListener('keydown', (event) => {
  if (event.key === 'Escape') closeConfirm(true);
});

// ---- every other form: sent as the command it names

function cardOf(form) {
  const li = form.closest('li.card');
  return li ? li.dataset.id : null;
}

function payloadFor(command, form, submitter) {
  if (command === 'timer_start') {
    let seconds = submitter && submitter.value ? Number(submitter.value) : 0;
    if (!seconds) {
      const minutes = Number(form.elements.minutes.value);
      if (!Number.isFinite(minutes) || minutes < 1 || minutes > 600) return { error: t('timer_minutes_invalid') };
      seconds = Math.round(minutes * 60);
    }
    fallbackSeconds.value = seconds;
    return { seconds };
  }
  if (command === 'paper_dots') {
    const n = Math.abs(parseInt(form.elements.amount.value, 10) || 0);
    const dots = submitter && submitter.value === '-' ? -n : n;
    form.elements.dots.value = dots;
    return { id: form.elements.id.value, dots };
  }
  if (command === 'merge_cards') {
    form.elements.ids.value = [...ui.picked].join(',');
    return { into: form.elements.into.value, ids: form.elements.ids.value };
  }
  if (command === 'paper_card') {
    // Made once and kept until the card is in: a resend is the same card.
    if (!form.elements.id.value) form.elements.id.value = uuid4();
    return formPayload(form);
  }
  if (command === 'set_options') {
    return {
      dot_budget: form.elements.dot_budget.value,
      max_dots_per_card: form.elements.max_dots_per_card.value,
      blind_collect: form.elements.blind_collect.checked,
      premoderation: form.elements.premoderation.checked,
    };
  }
  const payload = formPayload(form, submitter);
  delete payload.sign;
  return payload;
}

function optionsError(message) {
  let placed = false;
  for (const input of optionsForm.querySelectorAll('input[type=number]')) {
    const label = optionsForm.querySelector(`label[for="${input.id}"]`).textContent.trim();
    const mine = Boolean(message) && message.startsWith(`${label}:`);
    const el = $(`${input.id}-error`);
    el.textContent = mine ? message.slice(label.length + 1).trim() : '';
    el.hidden = !mine;
    if (mine) {
      placed = true;
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', el.id);
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  }
  // A field's refusal stands under the field only; the rest under the form.
  showError($('options-error'), placed ? '' : message);
  if (placed) announce(message);
}

function errorPlace(command) {
  if (command.startsWith('timer_')) return $('timer-error');
  return $(ERROR_PLACES[command] || 'console-error');
}

async function runForm(form, submitter) {
  const command = form.dataset.command;
  const cardId = cardOf(form);
  const payload = payloadFor(command, form, submitter);
  const cardError = (message) => {
    ui.errors.set(cardId, message);
    announce(message);
    render();
  };
  if (payload.error) {
    if (cardId) cardError(payload.error);
    else showError(errorPlace(command), payload.error);
    return;
  }
  const onError = cardId ? cardError : command === 'set_options' ? optionsError : undefined;
  const reply = await sendCommand(conn, form, command, payload, errorPlace(command), onError);
  if (!reply) return;
  if (cardId) ui.errors.delete(cardId);
  if (command === 'set_options') {
    optionsError('');
    optionsDirty = false;
  }
  if (reply.workshop) {
    const { totals, dots_given: given, voters } = store.state;
    store.update('workshop_changed', { workshop: reply.workshop, totals, dots_given: given, voters });
  }
  if (reply.cards || reply.gone) store.update('cards_changed', { cards: reply.cards || [], gone: reply.gone || [] });
  if (reply.entry) store.update('log_entry', { entry: reply.entry });
  if (command === 'edit_card') ui.editing = null;
  if (command === 'merge_cards') {
    ui.merging = null;
    ui.picked.clear();
  }
  if (command === 'paper_card') {
    form.reset();
    form.elements.id.value = '';
  }
  if (cardId && FOCUS_AFTER[command]) pendingFocus = `${FOCUS_AFTER[command]}:${cardId}`;
  if (command === 'undo') pendingFocus = 'log-heading';
  if (command.startsWith('timer_')) pendingFocus = `timer:${command === 'timer_pause' ? 'resume' : command === 'timer_resume' ? 'pause' : command.slice(6)}`;
  render();
  const done = t(`done_${command}`);
  announce(done === `done_${command}` ? t('done') : done);
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  const command = form.dataset.command;
  if (!command || command === 'set_phase') return;
  // Without a socket the form posts as it does without JavaScript.
  if (!conn.connected) {
    if (['timer_start', 'paper_dots', 'merge_cards', 'paper_card'].includes(command)) {
      // The hidden fields get what the script works out (seconds, ± dots, the ticked cards, the id).
      event.preventDefault();
      const payload = payloadFor(command, form, event.submitter);
      if (payload.error) showError(errorPlace(command), payload.error);
      else form.submit();
    }
    return;
  }
  event.preventDefault();
  runForm(form, event.submitter);
});

// For the form post without a socket: the seconds the script worked out from the minutes.
const fallbackSeconds = h('input', { type: 'hidden', name: 'seconds', value: '' });
timer.forms.start.append(fallbackSeconds);

// ---- the toggles on a card: edit text, merge checklist

document.addEventListener('click', (event) => {
  const toggle = event.target.closest('button[data-action]');
  if (!toggle || !toggle.closest('.console-page')) return;
  const { action, id } = toggle.dataset;
  const card = store.state.cards.get(id);
  if (action === 'edit') {
    const open = ui.editing !== id;
    ui.editing = open ? id : null;
    ui.draft = card ? card.text : '';
    pendingFocus = open ? `edit_text:${id}` : `edit:${id}`;
  } else if (action === 'cancel-edit') {
    ui.editing = null;
    pendingFocus = `edit:${id}`;
  } else if (action === 'merge') {
    const open = ui.merging !== id;
    ui.merging = open ? id : null;
    ui.picked.clear();
    pendingFocus = open ? `merge-legend:${id}` : `merge:${id}`;
  } else if (action === 'cancel-merge') {
    ui.merging = null;
    ui.picked.clear();
    pendingFocus = `merge:${id}`;
  } else {
    return;
  }
  ui.errors.delete(id);
  render();
});

document.addEventListener('input', (event) => {
  const el = event.target;
  if (el.dataset && el.dataset.draft) ui.draft = el.value;
  if (el.form === optionsForm) optionsDirty = true;
});
document.addEventListener('change', (event) => {
  const el = event.target;
  if (el.dataset && el.dataset.pick) {
    if (el.checked) ui.picked.add(el.value);
    else ui.picked.delete(el.value);
    el.form.elements.ids.value = [...ui.picked].join(',');
  }
  if (el.form === optionsForm) optionsDirty = true;
});

// ---- drawing

function focusKey(key) {
  if (key === 'log-heading') return $('log-heading');
  if (key && key.startsWith('merge-legend:')) {
    return document.querySelector(`#console-card-${CSS.escape(key.slice(13))} .console-merge input, #console-card-${CSS.escape(key.slice(13))} .console-merge button`);
  }
  return key ? document.querySelector(`[data-focus="${CSS.escape(key)}"]`) : null;
}

function renderOptions(workshop) {
  if (optionsDirty || optionsForm.contains(document.activeElement)) return;
  optionsForm.elements.dot_budget.value = workshop.dot_budget;
  optionsForm.elements.max_dots_per_card.value = workshop.max_dots_per_card;
  optionsForm.elements.blind_collect.checked = Boolean(workshop.blind_collect);
  optionsForm.elements.premoderation.checked = Boolean(workshop.premoderation);
}

function renderPaperAnswers(problems) {
  const select = paperForm.elements.answers;
  const chosen = select.value;
  const wanted = JSON.stringify(problems.map((p) => [p.id, p.text]));
  if (select.dataset.signature === wanted) return;
  select.dataset.signature = wanted;
  select.replaceChildren(select.options[0], ...problems.map((p) => h('option', { value: p.id }, truncate(p.text, 80))));
  select.value = problems.some((p) => p.id === chosen) ? chosen : '';
}

function render() {
  const state = store.state;
  const workshop = state.workshop;
  if (!workshop) return;
  const { phase } = workshop;
  const active = document.activeElement;
  const keep = active && active.dataset ? active.dataset.focus : null;

  $('current-phase').textContent = t(`phase_${phase}`);
  for (const form of phaseForms) {
    const button = form.querySelector('button');
    const current = form.elements.phase.value === phase;
    button.classList.toggle('primary', current);
    if (current) button.setAttribute('aria-current', 'step');
    else button.removeAttribute('aria-current');
  }
  document.body.dataset.phase = phase;

  $('console-counts').hidden = false;
  $('count-phones').textContent = state.phones ?? '–';
  $('count-voters').textContent = state.voters ?? '–';
  $('count-dots').textContent = state.dots_given ?? '–';
  $('console-tally').textContent = workshop.voting ? tn('dots_given', state.dots_given || 0) : '';

  const canReveal = ['vote', 'results', 'closed'].includes(phase) && !workshop.revealed;
  $('reveal-results').closest('form').hidden = !canReveal;
  $('hide-results').closest('form').hidden = !workshop.revealed;
  $('reveal-cards').closest('form').hidden = !workshop.blind;
  $('reveal-hint').hidden = canReveal || workshop.revealed;

  renderOptions(workshop);
  timer.update(workshop);

  for (const id of ['live-board', 'log-board']) $(id).hidden = false;
  // The count at page load; the live counts above replace it.
  $('members-static').hidden = true;
  const { problems, pendingCount } = renderBoard(state, ui);
  renderPaperAnswers(problems);
  $('pending-board').hidden = !workshop.premoderation && !pendingCount;
  renderLog(state.log);

  // The focus stays where it was, or goes where the step just taken leads.
  const lost = !document.activeElement || document.activeElement === document.body;
  const target = pendingFocus ? focusKey(pendingFocus) : lost ? focusKey(keep) : null;
  if (target) {
    target.focus();
    pendingFocus = null;
  } else if (lost && keep) {
    pendingFocus = null;
  }
}
