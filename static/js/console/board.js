// The console's cards: the shared card renderer (static/js/cards.js) plus what
// only a facilitator sees and does — the status marks and, per card, a real
// form for each moderation step (sent over the socket by views/console.js,
// posted to /w/<code>/facilitate/<command> when there is no socket).
import { LANES, makeView, renderCard } from '../cards.js';
import { config, limits, t } from '../config.js';
import { h, truncate } from '../dom.js';
import { orderedCards } from '../store.js';

const LABEL_CHARS = 60;

/**
 * What only the console's page knows: the card whose text is being edited
 * (and the draft), the card whose merge checklist is open (and what is ticked),
 * and a refusal to show on a card.
 */
export function createUi() {
  return { editing: null, draft: '', merging: null, picked: new Set(), errors: new Map() };
}

function commandForm(command, fields, ...children) {
  return h('form', { method: 'post', action: `/w/${config.code}/facilitate/${command}`, dataset: { command } },
    h('input', { type: 'hidden', name: 'csrf_token', value: config.csrf || '' }),
    Object.entries(fields).map(([name, value]) => h('input', { type: 'hidden', name, value })),
    ...children);
}

function button(text, label, focus, attrs = {}) {
  return h('button', { class: 'button subtle', type: 'submit', 'aria-label': label, dataset: { focus }, ...attrs }, text);
}

function flags(card) {
  const marks = [];
  if (card.status === 'pending') marks.push(['pending', t('flag_pending')]);
  if (card.status === 'hidden') marks.push(['hidden', t('flag_hidden')]);
  if (card.pinned) marks.push(['pinned', t('flag_pinned')]);
  if (card.paper) marks.push(['paper', t('flag_paper')]);
  if (card.moderated) marks.push(['moderated', t('flag_moderated')]);
  if (!marks.length) return null;
  return h('p', { class: 'console-flags' }, marks.map(([kind, text]) => h('span', { class: `flag flag-${kind}` }, text)));
}

function actions(card, label, phase) {
  const box = h('div', { class: 'console-card-actions' });
  const id = { id: card.id };
  if (card.status === 'pending') {
    box.append(commandForm('approve_card', id, h('button', { class: 'button primary', type: 'submit', 'aria-label': t('approve_label', { text: label }), dataset: { focus: `approve_card:${card.id}` } }, t('approve'))));
  }
  if (card.status === 'hidden') {
    box.append(commandForm('restore_card', id, button(t('restore'), t('restore_label', { text: label }), `restore_card:${card.id}`)));
  } else {
    box.append(commandForm('hide_card', id, button(t('hide'), t('hide_label', { text: label }), `hide_card:${card.id}`)));
  }
  if (card.status === 'visible') {
    box.append(card.pinned
      ? commandForm('unpin_card', id, button(t('unpin'), t('unpin_label', { text: label }), `unpin_card:${card.id}`))
      : commandForm('pin_card', id, button(t('pin'), t('pin_label', { text: label }), `pin_card:${card.id}`)));
  }
  box.append(h('button', { class: 'button subtle', type: 'button', 'aria-label': t('edit_label', { text: label }), 'aria-expanded': 'false', dataset: { action: 'edit', id: card.id, focus: `edit:${card.id}` } }, t('edit')));
  if (card.status === 'visible') {
    box.append(h('button', { class: 'button subtle', type: 'button', 'aria-label': t('merge_label', { text: label }), 'aria-expanded': 'false', dataset: { action: 'merge', id: card.id, focus: `merge:${card.id}` } }, t('merge')));
  }
  if (card.status === 'visible' && ['vote', 'results', 'closed'].includes(phase)) {
    const fieldId = `paper-dots-${card.id}`;
    // The script sends dots = ± the number; the hidden field carries it when the form posts.
    box.append(commandForm('paper_dots', { ...id, dots: '' },
      h('span', { class: 'console-paper-dots' },
        h('label', { for: fieldId }, t('paper_dots_field')),
        h('input', { id: fieldId, type: 'number', name: 'amount', min: 1, max: 500, value: 1, inputmode: 'numeric', dataset: { focus: `paper_dots_n:${card.id}` } }),
        h('button', { class: 'button subtle', type: 'submit', name: 'sign', value: '+', 'aria-label': t('paper_dots_add_label', { text: label }), dataset: { focus: `paper_dots_add:${card.id}` } }, t('paper_dots_add')),
        h('button', { class: 'button subtle', type: 'submit', name: 'sign', value: '-', 'aria-label': t('paper_dots_remove_label', { text: label }), dataset: { focus: `paper_dots_remove:${card.id}` } }, t('paper_dots_remove')))));
  }
  return box;
}

function linkForm(card, label, problems) {
  const fieldId = `link-${card.id}`;
  const select = h('select', { id: fieldId, name: 'answers', dataset: { focus: `link_select:${card.id}` } },
    h('option', { value: '' }, t('link_none')),
    problems.map((p) => h('option', { value: p.id }, truncate(p.text, 80))));
  select.value = card.answers && problems.some((p) => p.id === card.answers) ? card.answers : '';
  for (const option of select.options) if (option.value === select.value) option.setAttribute('selected', '');
  return commandForm('link_card', { id: card.id },
    h('div', { class: 'console-link' },
      h('label', { for: fieldId }, t('link_field')),
      select,
      button(t('link_submit'), t('link_submit_label', { text: label }), `link_card:${card.id}`)));
}

function editForm(card, label, ui) {
  const fieldId = `moderate-text-${card.id}`;
  return commandForm('edit_card', { id: card.id },
    h('div', { class: 'console-edit' },
      h('label', { for: fieldId }, t('edit_field')),
      h('textarea', { id: fieldId, name: 'text', rows: 3, maxlength: limits.card_text, required: true, dataset: { focus: `edit_text:${card.id}`, draft: card.id } }, ui.draft),
      h('div', { class: 'console-card-actions' },
        h('button', { class: 'button primary', type: 'submit', dataset: { focus: `edit_save:${card.id}` } }, t('save')),
        h('button', { class: 'button subtle', type: 'button', 'aria-label': `${t('cancel')}: ${label}`, dataset: { action: 'cancel-edit', id: card.id, focus: `edit_cancel:${card.id}` } }, t('cancel')))));
}

function mergeForm(card, label, candidates, ui) {
  const legendId = `merge-legend-${card.id}`;
  const form = commandForm('merge_cards', { into: card.id, ids: [...ui.picked].join(',') });
  const list = candidates.length
    ? h('ul', { class: 'console-checklist' }, candidates.map((other) => {
      const boxId = `merge-${card.id}-${other.id}`;
      return h('li', {},
        h('input', { type: 'checkbox', id: boxId, name: 'pick', value: other.id, checked: ui.picked.has(other.id), dataset: { focus: `pick:${other.id}`, pick: 'true' } }),
        h('label', { for: boxId }, truncate(other.text, 120)));
    }))
    : h('p', { class: 'empty' }, t('merge_none'));
  form.append(h('fieldset', { class: 'console-merge', 'aria-labelledby': legendId },
    h('legend', { id: legendId }, t('merge_legend', { text: truncate(card.text, LABEL_CHARS) })),
    list,
    h('div', { class: 'console-card-actions' },
      h('button', { class: 'button primary', type: 'submit', disabled: !candidates.length, dataset: { focus: `merge_submit:${card.id}` } }, t('merge_submit')),
      h('button', { class: 'button subtle', type: 'button', 'aria-label': `${t('cancel')}: ${label}`, dataset: { action: 'cancel-merge', id: card.id, focus: `merge_cancel:${card.id}` } }, t('cancel')))));
  return form;
}

/** Draw one card of the console, with its marks and controls. */
function consoleCard(card, view, ui, board) {
  const li = renderCard(card, view);
  li.classList.add(`card-status-${card.status}`);
  if (card.pinned) li.classList.add('card-pinned');
  const label = truncate(card.text, LABEL_CHARS);
  // A paper card has no author: its "Papier" flag says where it came from, not "anonym".
  const metaEl = li.querySelector('.card-meta');
  if (card.paper && !card.author_name && metaEl) {
    const rest = metaEl.textContent.split(' · ').slice(1);
    if (rest.length) metaEl.textContent = rest.join(' · ');
    else metaEl.remove();
  }
  const flagLine = flags(card);
  if (flagLine) li.querySelector('.card-kind')?.after(flagLine);
  const error = ui.errors.get(card.id);
  if (error) li.append(h('p', { class: 'error', id: `card-error-${card.id}` }, error));
  if (ui.editing === card.id) li.append(editForm(card, label, ui));
  li.append(actions(card, label, board.phase));
  if (card.kind === 'solution' && card.status !== 'pending') li.append(linkForm(card, label, board.problems));
  if (ui.merging === card.id) li.append(mergeForm(card, label, board.candidates(card), ui));
  // The open toggles say so to screen readers.
  for (const toggle of li.querySelectorAll('[data-action=edit], [data-action=merge]')) {
    const open = toggle.dataset.action === 'edit' ? ui.editing === card.id : ui.merging === card.id;
    toggle.setAttribute('aria-expanded', String(open));
  }
  return li;
}

function signature(card, view, ui, board) {
  return JSON.stringify([
    card, view.totals ? view.totals[card.id] || 0 : null, board.phase,
    card.answers && view.problems.has(card.answers) ? view.problems.get(card.answers).text : null,
    (view.solutionsOf.get(card.id) || []).map((s) => s.text),
    card.kind === 'solution' ? board.problems.map((p) => [p.id, p.text]) : null,
    ui.errors.get(card.id) || null,
    ui.editing === card.id,
    ui.merging === card.id ? [...ui.picked, board.candidates(card).map((c) => [c.id, c.text])] : null,
  ]);
}

function renderList(list, cards, view, ui, board) {
  const wanted = cards.map((card) => {
    const sign = signature(card, view, ui, board);
    const existing = document.getElementById(`${view.idPrefix}${card.id}`);
    if (existing && existing.parentElement === list && existing.dataset.signature === sign) return existing;
    const el = consoleCard(card, view, ui, board);
    el.dataset.signature = sign;
    if (existing) existing.replaceWith(el);
    return el;
  });
  for (const child of [...list.children]) if (!wanted.includes(child)) child.remove();
  wanted.forEach((el, index) => {
    if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
  });
}

/** The console's cards in the order shown: pinned first, then oldest first (or ranked once results are shown). */
export function consoleCards(state) {
  const cards = [...state.cards.values()].filter((c) => c.status !== 'merged' && c.status !== 'withdrawn');
  cards.sort((a, b) => String(a.created_at).localeCompare(String(b.created_at)));
  return orderedCards(state, cards);
}

/** Draw the pending list and both lanes; returns the cards drawn. */
export function renderBoard(state, ui) {
  const cards = consoleCards(state);
  const view = makeView('console', state, cards);
  const listed = cards.filter((c) => c.status !== 'pending');
  const board = {
    phase: state.workshop.phase,
    problems: listed.filter((c) => c.kind === 'problem'),
    candidates: (card) => listed.filter((c) => c.kind === card.kind && c.id !== card.id),
  };
  const pending = cards.filter((c) => c.status === 'pending');
  renderList(document.getElementById('console-pending'), pending, view, ui, board);
  document.getElementById('console-count-pending').textContent = pending.length;
  document.getElementById('pending-empty').hidden = pending.length > 0;
  for (const kind of LANES) {
    const lane = listed.filter((c) => c.kind === kind);
    renderList(document.getElementById(`console-${kind}`), lane, view, ui, board);
    document.getElementById(`console-count-${kind}`).textContent = lane.length;
    if (kind === 'need') document.getElementById('console-lane-need').hidden = lane.length === 0;
  }
  document.getElementById('console-empty').hidden = listed.length > 0;
  return { cards, problems: board.problems, pendingCount: pending.length };
}
