// The synthesis board: every card of the week on the left, the cross-cutting
// needs on the right, suggestions computed on the server, and the matrix.
// Everything goes over the event-wide namespace /event; the needs other
// facilitators change arrive as need_changed / need_deleted facts.
//
// `io` is the vendored Socket.IO client, loaded before this module.
import { config, t, tn } from '../config.js';
import { announce, h, truncate } from '../dom.js';
import { filterCards } from '../synthesis/fold.js';
import { renderMatrix } from '../synthesis/matrix.js';

const SEND_TIMEOUT_MS = 10000;
const groups = config.groups || {};
const priorities = config.priorities || [];

const state = {
  workshops: [],
  cards: [],
  cardsById: new Map(),
  needs: new Map(),
  /** Steps of the synthesis log seen since the page loaded: id -> entry. */
  entries: new Map(),
  selected: new Set(),
  /** Suggested groups of cards from the last run. */
  suggestions: [],
  /** need id -> ranked card ids of its last "find cards". */
  ranked: new Map(),
  /** need id -> the message shown at it (a conflict, a refusal). */
  needErrors: new Map(),
  /** need id -> the version a conflict showed its writer. */
  seen: new Map(),
  /** Needs whose "split" form is open, and need id -> the cards ticked in it. */
  splitOpen: new Set(),
  splitChecked: new Map(),
};

const $ = (id) => document.getElementById(id);
const els = {
  connection: $('connection'),
  error: $('synth-error'),
  undo: $('undo'),
  undoWhat: $('undo-what'),
  reload: $('reload'),
  filters: $('filters'),
  cardCount: $('card-count'),
  selection: $('selection-count'),
  cardList: $('card-list'),
  cardsPanel: $('cards-panel'),
  newNeed: $('new-need'),
  newNeedTitle: $('new-need-title'),
  newNeedError: $('new-need-error'),
  needsEmpty: $('needs-empty'),
  needList: $('need-list'),
  suggest: $('suggest'),
  suggestStatus: $('suggest-status'),
  suggestProgress: $('suggest-progress'),
  suggestionList: $('suggestion-list'),
  matrix: $('matrix'),
  putToVote: $('put-to-vote'),
  voteWorkshop: $('vote-workshop'),
};

const socket = io(config.namespace, {
  transports: ['websocket'],
  auth: config.auth,
  reconnectionDelay: 500,
  reconnectionDelayMax: 5000,
  timeout: 5000,
});

/** Send a command; the reply, or a refusal of our own when none came in time. */
async function send(event, payload) {
  try {
    return await socket.timeout(SEND_TIMEOUT_MS).emitWithAck(event, payload);
  } catch {
    return { ok: false, code: 'timeout', error: t('no_answer') };
  }
}

function showError(message) {
  els.error.textContent = message || '';
  els.error.hidden = !message;
}

// ---- state ------------------------------------------------------------------

function sortedNeeds() {
  return [...state.needs.values()].sort((a, b) => (a.position - b.position) || (a.id - b.id));
}

function applyNeed(need) {
  state.needs.set(need.id, need);
}

function removeNeed(id) {
  state.needs.delete(id);
  state.splitOpen.delete(id);
  state.splitChecked.delete(id);
  state.ranked.delete(id);
  state.needErrors.delete(id);
}

function applyEntry(entry) {
  if (entry) state.entries.set(entry.id, entry);
}

/** Take in what a step changed (the reply to one's own command). */
function applyChanged(reply) {
  for (const need of reply.needs || []) applyNeed(need);
  for (const id of reply.gone || []) removeNeed(id);
  applyEntry(reply.entry);
  renderNeedsAndMatrix();
}

/** Enable the undo button and say which step it would take back (it may be another facilitator's). */
function showUndo() {
  const entry = lastUndoable();
  els.undo.disabled = !entry;
  const time = entry ? new Date(entry.at).toLocaleTimeString(document.documentElement.lang || 'de',
    { hour: '2-digit', minute: '2-digit' }) : '';
  els.undoWhat.textContent = entry ? t('undo_what', { step: t(`step_${entry.action}`), time }) : '';
}

function lastUndoable() {
  let last = null;
  for (const entry of state.entries.values()) {
    if (!entry.undone && (!last || entry.id > last.id)) last = entry;
  }
  return last;
}

// ---- rendering --------------------------------------------------------------

/** Run a redraw and give the focus back to the control that had it (by data-focus). */
function keepingFocus(redraw) {
  const active = document.activeElement;
  const key = active && active.dataset ? active.dataset.focus : null;
  redraw();
  if (key && !document.body.contains(active)) {
    const again = document.querySelector(`[data-focus="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

function kindLabel(kind) {
  return t(`kind_${kind}`);
}

function needOptions(selectedValue = '') {
  const needs = sortedNeeds();
  if (!needs.length) return [h('option', { value: '' }, t('no_needs_yet'))];
  return [
    h('option', { value: '' }, t('choose_need')),
    ...needs.map((need) => h('option', { value: need.id, selected: String(need.id) === selectedValue },
      truncate(need.title, 60))),
  ];
}

function currentFilters() {
  const data = new FormData(els.filters);
  return {
    theme: data.get('theme') || '',
    kind: data.get('kind') || '',
    dots: Number(data.get('dots')) || 0,
    text: data.get('text') || '',
  };
}

function cardItem(card) {
  const sel = `sel-${card.id}`;
  const add = `add-${card.id}`;
  const meta = [tn('dots_total', card.dots)];
  if (card.group) meta.push(t('group', { group: groups[card.group] || card.group }));
  const answered = card.answers && state.cardsById.get(card.answers);
  return h('li', { class: `card card-${card.kind} synth-card`, draggable: 'true', dataset: { card: card.id } },
    h('p', { class: 'card-kind' }, `${kindLabel(card.kind)} · ${card.theme}`),
    h('p', { class: 'card-text' }, card.text),
    answered ? h('p', { class: 'card-answers' }, t('answers', { text: truncate(answered.text, 80) })) : null,
    h('p', { class: 'card-meta' }, meta.join(' · ')),
    h('div', { class: 'synth-card-tools' },
      h('span', { class: 'synth-select' },
        h('input', {
          type: 'checkbox', id: sel, checked: state.selected.has(card.id),
          dataset: { focus: sel, select: card.id },
        }),
        h('label', { for: sel }, t('select_card'),
          h('span', { class: 'visually-hidden' }, `: ${truncate(card.text, 80)}`))),
      h('span', { class: 'synth-add' },
        h('label', { for: add }, t('add_to_need'),
          h('span', { class: 'visually-hidden' }, ` (${truncate(card.text, 80)})`)),
        h('select', { id: add, dataset: { focus: add, needSelect: card.id } }, needOptions()),
        h('button', { class: 'button', type: 'button', dataset: { focus: `addbtn-${card.id}`, addCard: card.id } },
          t('add'))),
    ),
  );
}

function renderCards() {
  const shown = filterCards(state.cards, currentFilters());
  // What each card's need select had chosen survives the redraw.
  const chosen = new Map([...els.cardList.querySelectorAll('select[data-need-select]')]
    .filter((select) => select.value).map((select) => [select.dataset.needSelect, select.value]));
  keepingFocus(() => {
    els.cardList.replaceChildren(...shown.map(cardItem));
    for (const [cardId, value] of chosen) {
      const select = els.cardList.querySelector(`select[data-need-select="${CSS.escape(cardId)}"]`);
      if (select) select.value = value;
    }
    if (!shown.length) {
      els.cardList.append(h('li', { class: 'empty' }, t(state.cards.length ? 'no_cards' : 'no_cards_week')));
    }
  });
  els.cardCount.textContent = t('cards_shown', { n: shown.length, total: state.cards.length });
  renderSelection();
}

function renderSelection() {
  els.selection.textContent = tn('selected', state.selected.size);
}

/** Bring the need selects of the cards up to date, keeping what each has chosen. */
function refreshNeedSelects() {
  for (const select of els.cardList.querySelectorAll('select[data-need-select]')) {
    const value = select.value;
    select.replaceChildren(...needOptions(value));
  }
}

function field(need, name, label, control) {
  const id = `need-${need.id}-${name}`;
  control.id = id;
  control.dataset.field = name;
  control.dataset.focus = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function textArea(need, name) {
  const value = need[name] || '';
  const area = h('textarea', { rows: 2, dataset: { base: value } });
  area.value = value;
  return area;
}

function needItem(need) {
  const titleId = `need-title-${need.id}`;
  const base = { need: need.id };
  const origin = [`${tn('card_count', need.card_count)} · ${tn('dots_total', need.dots)}`];
  if (need.vote) origin.push(tn('vote_dots', need.vote.dots, { theme: need.vote.theme }));
  if (need.themes.length) origin.push(t('origin_themes', { themes: need.themes.map((w) => w.title).join(', ') }));
  const groupText = Object.entries(need.groups || {})
    .map(([key, n]) => `${groups[key] || key} (${n})`).join(', ');
  if (groupText) origin.push(t('origin_groups', { groups: groupText }));

  const titleInput = h('input', { type: 'text', maxlength: 200, required: true, dataset: { base: need.title } });
  titleInput.value = need.title;
  const priority = h('select', { dataset: { base: need.priority ?? '' } },
    h('option', { value: '' }, t('no_priority')),
    priorities.map((p) => h('option', { value: p, selected: need.priority === p }, String(p))));
  const message = state.needErrors.get(need.id);
  const ranked = state.ranked.get(need.id);
  const goals = new Set(need.goals || []);

  return h('li', { class: 'synth-need', dataset: { need: need.id } },
    h('section', { 'aria-labelledby': titleId },
      h('h3', { id: titleId, tabindex: '-1' }, need.title),
      h('form', { class: 'synth-rename', dataset: { rename: need.id, version: need.version } },
        field(need, 'title', t('need_title'), titleInput),
        h('button', { class: 'button', type: 'submit', dataset: { focus: `rename-${need.id}` } }, t('rename'))),
      message ? h('p', { class: 'error', role: 'alert' }, message) : null,
      h('p', { class: 'need-origin' }, h('strong', {}, `${t('origin')}: `), origin.join(' · ')),
      h('h4', {}, t('need_cards')),
      cardList(need, need.cards.filter((id) => !goals.has(id)), 'need_no_problems'),
      h('h4', {}, t('goals')),
      cardList(need, need.cards.filter((id) => goals.has(id)), 'goals_none'),
      goalForm(need),
      h('h4', {}, t('concrete')),
      h('form', { class: 'synth-concrete', dataset: { concrete: need.id, version: need.version } },
        field(need, 'what', t('what'), textArea(need, 'what')),
        field(need, 'actors', t('actors'), textArea(need, 'actors')),
        field(need, 'first_steps', t('first_steps'), textArea(need, 'first_steps')),
        field(need, 'priority', t('priority'), priority),
        h('button', { class: 'button primary', type: 'submit', dataset: { focus: `save-${need.id}` } }, t('save'))),
      h('p', { class: 'synth-need-actions' },
        h('button', { class: 'button', type: 'button', dataset: { focus: `find-${need.id}`, findCards: need.id } },
          t('find_cards')),
        ' ',
        h('button', { class: 'button subtle', type: 'button', dataset: { focus: `del-${need.id}`, deleteNeed: need.id } },
          t('delete_need'))),
      mergeForm(need),
      splitForm(need),
      ranked ? rankedList(need, ranked) : null,
    ),
  );
}

/** A need's cards (or its goals), each with a button that takes it out. */
function cardList(need, ids, emptyKey) {
  const items = ids.map((id) => state.cardsById.get(id)).filter(Boolean);
  if (!items.length) return h('p', { class: 'empty' }, t(emptyKey));
  return h('ul', { class: 'synth-need-cards' }, items.map((card) => h('li', {
    draggable: 'true', dataset: { needCard: card.id, fromNeed: need.id },
  },
    h('span', {}, card.text, ' ', h('span', { class: 'small' }, `(${card.theme})`)),
    h('button', {
      class: 'button subtle', type: 'button',
      dataset: { focus: `rm-${need.id}-${card.id}`, removeCard: card.id, need: need.id },
    }, t('remove'), h('span', { class: 'visually-hidden' }, `: ${truncate(card.text, 80)}`)))));
}

/** "Link a goal": a solution card of the themed workshops that serves the need, by keyboard. */
function goalForm(need) {
  const id = `need-${need.id}-goal`;
  const have = new Set(need.cards);
  const choices = state.cards.filter((c) => c.kind === 'solution' && !have.has(c.id));
  return h('form', { class: 'synth-merge synth-goal', dataset: { goal: need.id } },
    h('div', { class: 'field' },
      h('label', { for: id }, t('goal_add_label')),
      h('select', { id, dataset: { field: 'goal', base: '', focus: id } },
        h('option', { value: '' }, choices.length ? t('goal_choose') : t('goal_no_solutions')),
        choices.map((c) => h('option', { value: c.id }, `${c.theme}: ${truncate(c.text, 70)}`)))),
    h('button', { class: 'button', type: 'submit', dataset: { focus: `goal-${need.id}` } }, t('goal_add')));
}

/** "Merge with …": the other needs to choose from; this need keeps its title. */
function mergeForm(need) {
  const id = `need-${need.id}-merge`;
  const others = sortedNeeds().filter((other) => other.id !== need.id);
  return h('form', { class: 'synth-merge', dataset: { merge: need.id } },
    h('div', { class: 'field' },
      h('label', { for: id }, t('merge_with')),
      h('select', { id, dataset: { field: 'merge', base: '', focus: id } },
        h('option', { value: '' }, others.length ? t('choose_need') : t('no_other_needs')),
        others.map((other) => h('option', { value: other.id }, truncate(other.title, 60))))),
    h('button', { class: 'button', type: 'submit', disabled: !others.length, dataset: { focus: `merge-${need.id}` } },
      t('merge')));
}

/** "Split …": tick some of the need's cards and name the new need they move to. */
function splitForm(need) {
  const ticked = state.splitChecked.get(need.id) || new Set();
  const titleId = `need-${need.id}-split-title`;
  const cards = need.cards.map((id) => state.cardsById.get(id)).filter(Boolean);
  return h('details', { class: 'synth-split', open: state.splitOpen.has(need.id), dataset: { splitFor: need.id } },
    h('summary', { dataset: { focus: `split-open-${need.id}` } }, t('split_open')),
    h('form', { dataset: { split: need.id } },
      h('fieldset', {},
        h('legend', {}, t('split_cards')),
        cards.length
          ? cards.map((card) => {
            const box = `split-${need.id}-${card.id}`;
            return h('div', { class: 'synth-select' },
              h('input', {
                type: 'checkbox', id: box, checked: ticked.has(card.id),
                dataset: { focus: box, splitCard: card.id, need: need.id },
              }),
              h('label', { for: box }, truncate(card.text, 80)));
          })
          : h('p', { class: 'empty' }, t('need_no_cards'))),
      h('div', { class: 'field' },
        h('label', { for: titleId }, t('split_title')),
        h('input', {
          id: titleId, type: 'text', maxlength: 200,
          dataset: { field: 'split_title', base: '', focus: titleId },
        })),
      h('button', { class: 'button', type: 'submit', dataset: { focus: `split-${need.id}` } }, t('split'))));
}

function rankedList(need, ids) {
  const cards = ids.map((id) => state.cardsById.get(id)).filter((c) => c && !need.cards.includes(c.id));
  return h('div', { class: 'synth-ranked' },
    h('h4', {}, t('ranked_heading')),
    cards.length
      ? h('ol', {}, cards.map((card) => h('li', {},
        h('span', {}, card.text, ' ', h('span', { class: 'small' }, `(${card.theme}, ${tn('dots_total', card.dots)})`)),
        h('button', {
          class: 'button', type: 'button',
          dataset: { focus: `rank-${need.id}-${card.id}`, rankedAdd: card.id, need: need.id },
        }, t('add'), h('span', { class: 'visually-hidden' }, `: ${truncate(card.text, 80)}`)))))
      : h('p', { class: 'empty' }, t('ranked_none')));
}

/**
 * Replace a need's element, keeping what the person typed and has not saved yet.
 *
 * A form being typed in keeps the version of the need its writer last saw: if someone
 * else changed the need meanwhile, saving is refused as a conflict and shows both,
 * instead of silently writing over the other edit. Once the conflict was shown, the
 * writer has seen the new version (state.seen) and may save theirs over it.
 */
function replaceKeepingEdits(old, fresh) {
  const needId = Number(old.dataset.need);
  for (const control of old.querySelectorAll('[data-field]')) {
    if (control.value === control.dataset.base) continue;
    const twin = fresh.querySelector(`[data-field="${control.dataset.field}"]`);
    if (twin) twin.value = control.value;
    const form = control.form;
    const freshForm = twin && twin.form;
    if (form && freshForm && form.dataset.version) {
      freshForm.dataset.version = String(Math.max(Number(form.dataset.version), state.seen.get(needId) || 0));
    }
  }
  old.replaceWith(fresh);
}

function renderNeeds() {
  const needs = sortedNeeds();
  keepingFocus(() => {
    const existing = new Map([...els.needList.children].map((li) => [Number(li.dataset.need), li]));
    const items = needs.map((need) => {
      const fresh = needItem(need);
      const old = existing.get(need.id);
      if (old) {
        replaceKeepingEdits(old, fresh);
        existing.delete(need.id);
      }
      return fresh;
    });
    for (const gone of existing.values()) gone.remove();
    els.needList.replaceChildren(...items);
  });
  els.needsEmpty.hidden = needs.length > 0;
  showUndo();
}

function renderMatrixNow() {
  renderMatrix(els.matrix, sortedNeeds(), state.workshops, state.cardsById);
}

function renderNeedsAndMatrix() {
  renderNeeds();
  refreshNeedSelects();
  renderMatrixNow();
}

function renderSuggestions() {
  keepingFocus(() => {
    els.suggestionList.replaceChildren(...state.suggestions.map((group, index) => {
      const headingId = `suggestion-${index}`;
      const titleId = `suggestion-title-${index}`;
      const key = group.cards.join(',');
      return h('li', { class: 'synth-suggestion', dataset: { suggestion: key } },
        h('section', { 'aria-labelledby': headingId },
          h('h3', { id: headingId }, t('suggestion', { n: group.cards.length, themes: group.workshops })),
          h('fieldset', { class: 'synth-suggested-cards' },
            h('legend', {}, t('suggestion_keep')),
            group.cards.map((id) => state.cardsById.get(id)).filter(Boolean).map((card) => {
              const box = `suggestion-${index}-${card.id}`;
              return h('div', { class: 'synth-select' },
                h('input', {
                  type: 'checkbox', id: box, checked: !(group.left && group.left.has(card.id)),
                  dataset: { focus: box, suggestionCard: card.id, index },
                }),
                h('label', { for: box }, card.text, ' ', h('span', { class: 'small' }, `(${card.theme})`)));
            })),
          h('div', { class: 'field' },
            h('label', { for: titleId }, t('need_title')),
            h('input', {
              id: titleId, type: 'text', maxlength: 200, value: group.typed ?? truncate(group.title, 200),
              dataset: { focus: titleId, suggestionTitle: index },
            })),
          h('p', {},
            h('button', { class: 'button primary', type: 'button', dataset: { focus: `accept-${index}`, accept: index } }, t('accept')),
            ' ',
            h('button', { class: 'button subtle', type: 'button', dataset: { focus: `dismiss-${index}`, dismiss: index } }, t('dismiss')))));
    }));
  });
}

function renderAll() {
  renderCards();
  renderNeedsAndMatrix();
  renderSuggestions();
}

// ---- commands ---------------------------------------------------------------

async function sync() {
  const reply = await send('synth_sync', {});
  if (!reply || !reply.ok) {
    showError(t('error', { error: (reply && reply.error) || t('no_answer') }));
    return;
  }
  showError('');
  applyCards(reply.synthesis);
  renderAll();
}

/** Take in the cards (and the needs, whose counts follow the cards) after cards changed. */
function applyCards(board) {
  state.workshops = board.workshops;
  state.cards = board.cards;
  state.cardsById = new Map(board.cards.map((c) => [c.id, c]));
  for (const id of [...state.selected]) if (!state.cardsById.has(id)) state.selected.delete(id);
  state.needs = new Map(board.needs.map((n) => [n.id, n]));
}

let fetchingCards = null;
let cardsAgain = false;

/** Fetch the cards again when a board changed; one request at a time, the last nudge wins. */
async function refreshCards() {
  if (fetchingCards) {
    cardsAgain = true;
    return;
  }
  fetchingCards = (async () => {
    do {
      cardsAgain = false;
      const reply = await send('synth_cards', {});
      if (reply && reply.ok) {
        applyCards(reply.synthesis);
        renderUnlessDragging(() => {
          renderCards();
          renderNeedsAndMatrix();
        });
      }
    } while (cardsAgain);
  })();
  try {
    await fetchingCards;
  } finally {
    fetchingCards = null;
  }
}

/** Send a step that changes needs; show a refusal where it belongs. */
async function step(event, payload, { needId = null, done = null } = {}) {
  const reply = await send(event, payload);
  if (reply && reply.ok) {
    if (needId !== null) state.needErrors.delete(needId);
    applyChanged(reply);
    if (done) announce(done(reply));
    return reply;
  }
  const message = t('error', { error: (reply && reply.error) || t('no_answer') });
  if (needId !== null) {
    if (reply && reply.code === 'conflict' && reply.need) {
      state.seen.set(needId, reply.need.version);
      applyNeed(reply.need);
      const current = event === 'rename_need' ? reply.need.title : truncate(reply.need.what || '', 120);
      state.needErrors.set(needId, t('conflict', { current }));
    } else {
      state.needErrors.set(needId, message);
    }
    renderNeedsAndMatrix();
  } else {
    showError(message);
  }
  announce(state.needErrors.get(needId) || message);
  return reply;
}

function needTitle(id) {
  const need = state.needs.get(Number(id));
  return need ? need.title : '';
}

els.filters.addEventListener('input', () => renderCards());
els.filters.addEventListener('submit', (event) => event.preventDefault());

els.cardList.addEventListener('change', (event) => {
  const box = event.target.closest('input[data-select]');
  if (!box) return;
  if (box.checked) state.selected.add(box.dataset.select);
  else state.selected.delete(box.dataset.select);
  renderSelection();
});

els.cardList.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-add-card]');
  if (!button) return;
  const cardId = button.dataset.addCard;
  const select = els.cardList.querySelector(`select[data-need-select="${CSS.escape(cardId)}"]`);
  const needId = select && select.value;
  if (!needId) {
    announce(t('choose_need'));
    if (select) select.focus();
    return;
  }
  await step('add_cards', { need: Number(needId), cards: cardId }, {
    done: () => t('added', { need: needTitle(needId) }),
  });
});

els.newNeed.addEventListener('submit', async (event) => {
  event.preventDefault();
  const title = els.newNeedTitle.value.trim();
  if (!title) return;
  const cards = [...state.selected].join(',');
  const reply = await send('create_need', { title, cards });
  if (!reply || !reply.ok) {
    els.newNeedError.textContent = t('error', { error: (reply && reply.error) || t('no_answer') });
    els.newNeedError.hidden = false;
    return;
  }
  els.newNeedError.hidden = true;
  els.newNeedTitle.value = '';
  state.selected.clear();
  for (const box of els.cardList.querySelectorAll('input[data-select]')) box.checked = false;
  renderSelection();
  applyChanged(reply);
  announce(t('need_created', { title }));
  const created = reply.needs && reply.needs[0];
  if (created) {
    const heading = document.getElementById(`need-title-${created.id}`);
    if (heading) heading.focus();
  }
});

els.needList.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  if (form.dataset.rename) {
    const needId = Number(form.dataset.rename);
    const need = state.needs.get(needId);
    const title = form.querySelector('[data-field=title]').value.trim();
    if (!need || !title) return;
    await step('rename_need', { need: needId, title, version: Number(form.dataset.version) || need.version }, {
      needId, done: () => t('renamed', { title }),
    });
  } else if (form.dataset.concrete) {
    const needId = Number(form.dataset.concrete);
    const need = state.needs.get(needId);
    if (!need) return;
    const value = (name) => form.querySelector(`[data-field="${name}"]`).value;
    const payload = {
      need: needId,
      what: value('what'),
      actors: value('actors'),
      first_steps: value('first_steps'),
      version: Number(form.dataset.version) || need.version,
    };
    if (value('priority')) payload.priority = Number(value('priority'));
    await step('update_need', payload, { needId, done: () => t('saved') });
  } else if (form.dataset.goal) {
    const needId = Number(form.dataset.goal);
    const select = form.querySelector('[data-field=goal]');
    if (!select.value) {
      announce(t('goal_choose'));
      select.focus();
      return;
    }
    await step('add_cards', { need: needId, cards: select.value }, {
      needId, done: () => t('goal_added', { need: needTitle(needId) }),
    });
  } else if (form.dataset.merge) {
    const needId = Number(form.dataset.merge);
    const select = form.querySelector('[data-field=merge]');
    const other = select.value;
    if (!other) {
      announce(t('choose_need'));
      select.focus();
      return;
    }
    const merged = needTitle(other);
    const reply = await step('merge_needs', { into: needId, others: other }, {
      needId, done: () => t('merged', { other: merged, need: needTitle(needId) }),
    });
    if (reply && reply.ok) focusNeed(needId);
  } else if (form.dataset.split) {
    const needId = Number(form.dataset.split);
    const ticked = [...(state.splitChecked.get(needId) || [])];
    const titleInput = form.querySelector('[data-field=split_title]');
    const title = titleInput.value.trim();
    if (!ticked.length || !title) {
      announce(t(ticked.length ? 'split_need_title' : 'split_need_cards'));
      (ticked.length ? titleInput : form.querySelector('input[type=checkbox]') || titleInput).focus();
      return;
    }
    const reply = await step('split_need', { need: needId, cards: ticked.join(','), title }, {
      needId, done: () => t('split_done', { title }),
    });
    if (reply && reply.ok) {
      state.splitOpen.delete(needId);
      state.splitChecked.delete(needId);
      renderNeeds();
      const typed = document.getElementById(`need-${needId}-split-title`);
      if (typed) typed.value = '';
      const created = (reply.needs || []).find((n) => n.id !== needId);
      focusNeed(created ? created.id : needId);
    }
  }
});

function focusNeed(id) {
  const heading = document.getElementById(`need-title-${id}`);
  if (heading) heading.focus();
}

els.needList.addEventListener('change', (event) => {
  const box = event.target.closest('input[data-split-card]');
  if (!box) return;
  const needId = Number(box.dataset.need);
  const ticked = state.splitChecked.get(needId) || new Set();
  if (box.checked) ticked.add(box.dataset.splitCard);
  else ticked.delete(box.dataset.splitCard);
  state.splitChecked.set(needId, ticked);
});

// "toggle" does not bubble: listen while it goes down to the <details>.
els.needList.addEventListener('toggle', (event) => {
  const details = event.target;
  if (!details.dataset || !details.dataset.splitFor) return;
  const needId = Number(details.dataset.splitFor);
  if (details.open) state.splitOpen.add(needId);
  else state.splitOpen.delete(needId);
}, true);

els.needList.addEventListener('click', async (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  const data = button.dataset;
  if (data.removeCard) {
    await step('remove_cards', { need: Number(data.need), cards: data.removeCard }, {
      needId: Number(data.need), done: () => t('removed', { need: needTitle(data.need) }),
    });
  } else if (data.rankedAdd) {
    await step('add_cards', { need: Number(data.need), cards: data.rankedAdd }, {
      needId: Number(data.need), done: () => t('added', { need: needTitle(data.need) }),
    });
  } else if (data.deleteNeed) {
    await step('delete_need', { need: Number(data.deleteNeed) }, { done: () => t('deleted') });
  } else if (data.findCards) {
    const reply = await send('request_suggestions', { need: Number(data.findCards) });
    if (reply && reply.ok) showJob(reply.job);
    else showError(t('error', { error: (reply && reply.error) || t('no_answer') }));
  }
});

els.undo.addEventListener('click', async () => {
  const entry = lastUndoable();
  if (!entry) {
    announce(t('nothing_to_undo'));
    return;
  }
  await step('undo', { entry: entry.id }, { done: () => t('undone') });
});

els.reload.addEventListener('click', () => sync());

els.putToVote.addEventListener('submit', async (event) => {
  event.preventDefault();
  const workshop = Number(els.voteWorkshop.value);
  const title = els.voteWorkshop.selectedOptions[0] ? els.voteWorkshop.selectedOptions[0].textContent : '';
  const reply = await step('put_to_vote', { workshop }, { done: () => t('put_to_vote_done', { workshop: title }) });
  if (reply && reply.ok) showError('');
});

els.suggest.addEventListener('click', async () => {
  els.suggest.disabled = true;
  const reply = await send('request_suggestions', {});
  if (reply && reply.ok) showJob(reply.job);
  else {
    els.suggest.disabled = false;
    showError(t('error', { error: (reply && reply.error) || t('no_answer') }));
  }
});

// What is typed into a suggestion's title stays with it when another suggestion goes.
els.suggestionList.addEventListener('input', (event) => {
  const input = event.target.closest('input[data-suggestion-title]');
  const group = input && state.suggestions[Number(input.dataset.suggestionTitle)];
  if (group) group.typed = input.value;
});

els.suggestionList.addEventListener('change', (event) => {
  const box = event.target.closest('input[data-suggestion-card]');
  if (!box) return;
  const group = state.suggestions[Number(box.dataset.index)];
  if (!group) return;
  group.left = group.left || new Set();
  if (box.checked) group.left.delete(box.dataset.suggestionCard);
  else group.left.add(box.dataset.suggestionCard);
});

els.suggestionList.addEventListener('click', async (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  const index = Number(button.dataset.accept ?? button.dataset.dismiss);
  const group = state.suggestions[index];
  if (!group) return;
  const cards = group.cards.join(',');
  if (button.dataset.accept !== undefined) {
    const title = document.getElementById(`suggestion-title-${index}`).value.trim() || group.title;
    // Only the cards still ticked: a facilitator may drop some of the suggestion first.
    const kept = group.cards.filter((id) => !(group.left && group.left.has(id)));
    if (!kept.length) {
      announce(t('suggestion_none_kept'));
      return;
    }
    const reply = await step('create_need', { title, cards: kept.join(',') }, { done: () => t('need_created', { title }) });
    if (!reply || !reply.ok) return;
  } else {
    const reply = await send('dismiss_suggestion', { cards });
    if (!reply || !reply.ok) {
      showError(t('error', { error: (reply && reply.error) || t('no_answer') }));
      return;
    }
    announce(t('dismissed'));
  }
  state.suggestions.splice(index, 1);
  renderSuggestions();
  els.suggest.focus();
});

// ---- dragging -----------------------------------------------------------------
// A card dragged from the list onto a need joins it (with the other ticked cards, when it
// is one of them); a card dragged out of a need onto the list leaves that need, onto
// another need it joins that one too. The selects and buttons do the same without dragging.

/** What is being dragged: {cards: [ids], from: the need it was dragged out of, or null}. */
let dragging = null;
/** Redraws that came in (from other screens) while a card was being dragged. */
let deferred = [];

/**
 * Redraw now, or once the drag in progress ends: a card redrawn under the pointer
 * would end the drag of the person holding it.
 */
function renderUnlessDragging(redraw) {
  if (dragging) deferred.push(redraw);
  else redraw();
}

function endDrag() {
  dragging = null;
  markDropTarget(null);
  const redraws = new Set(deferred);
  deferred = [];
  for (const redraw of redraws) redraw();
}

function markDropTarget(target) {
  for (const marked of document.querySelectorAll('.drop-target')) {
    if (marked !== target) marked.classList.remove('drop-target');
  }
  if (target) target.classList.add('drop-target');
}

els.cardList.addEventListener('dragstart', (event) => {
  const item = event.target.closest && event.target.closest('li[data-card]');
  if (!item) return;
  const id = item.dataset.card;
  dragging = { cards: state.selected.has(id) ? [...state.selected] : [id], from: null };
  event.dataTransfer.effectAllowed = 'copy';
  event.dataTransfer.setData('text/plain', truncate(item.querySelector('.card-text').textContent, 200));
});

els.needList.addEventListener('dragstart', (event) => {
  const item = event.target.closest && event.target.closest('li[data-need-card]');
  if (!item) return;
  dragging = { cards: [item.dataset.needCard], from: Number(item.dataset.fromNeed) };
  event.dataTransfer.effectAllowed = 'copyMove';
  event.dataTransfer.setData('text/plain', item.firstChild.textContent);
});

document.addEventListener('dragend', endDrag);

els.needList.addEventListener('dragover', (event) => {
  const item = event.target.closest('li.synth-need');
  if (!dragging || !item || Number(item.dataset.need) === dragging.from) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'copy';
  markDropTarget(item);
});

els.cardsPanel.addEventListener('dragover', (event) => {
  if (!dragging || dragging.from === null) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = 'move';
  markDropTarget(els.cardsPanel);
});

els.needList.addEventListener('drop', async (event) => {
  const item = event.target.closest('li.synth-need');
  if (!dragging || !item) return;
  event.preventDefault();
  const { cards, from } = dragging;
  const needId = Number(item.dataset.need);
  endDrag();
  if (needId === from) return;
  const reply = await step('add_cards', { need: needId, cards: cards.join(',') }, {
    needId, done: () => t('added', { need: needTitle(needId) }),
  });
  if (reply && reply.ok && from === null && cards.length > 1) {
    state.selected.clear();
    renderCards();
  }
});

els.cardsPanel.addEventListener('drop', async (event) => {
  if (!dragging || dragging.from === null) return;
  event.preventDefault();
  const { cards, from } = dragging;
  endDrag();
  await step('remove_cards', { need: from, cards: cards.join(',') }, {
    needId: from, done: () => t('removed', { need: needTitle(from) }),
  });
});

// ---- facts ------------------------------------------------------------------

/** Show how a suggestion job stands; when it is done, its result. */
function showJob(job) {
  if (!job || job.kind !== 'suggestions') return;
  const running = job.state === 'queued' || job.state === 'running';
  els.suggestProgress.hidden = !running;
  els.suggestProgress.value = Math.round((job.progress || 0) * 100);
  if (running) {
    els.suggestStatus.textContent = t('suggesting', { percent: Math.round((job.progress || 0) * 100) });
    return;
  }
  els.suggest.disabled = false;
  if (job.state === 'failed') {
    els.suggestStatus.textContent = t('suggest_failed');
    announce(t('suggest_failed'));
    return;
  }
  const result = job.result || {};
  if (result.clusters) {
    state.suggestions = result.clusters;
    const text = result.clusters.length ? tn('suggestions_ready', result.clusters.length) : t('suggestions_none');
    els.suggestStatus.textContent = text;
    announce(text);
    renderSuggestions();
  } else if (result.need !== undefined && result.need !== null) {
    state.ranked.set(result.need, result.cards || []);
    els.suggestStatus.textContent = '';
    renderNeeds();
    announce(`${t('ranked_heading')}: ${needTitle(result.need)}`);
  }
}

socket.on('job', showJob);
socket.on('need_changed', ({ need }) => {
  applyNeed(need);
  renderUnlessDragging(renderNeedsAndMatrix);
});
socket.on('need_deleted', ({ id }) => {
  removeNeed(id);
  renderUnlessDragging(renderNeedsAndMatrix);
});
socket.on('synth_cards_changed', () => refreshCards());
// Dots given anywhere (also on the needs put to the vote) change a workshop's overview:
// fetch the counts again, at most every few seconds.
let overviewTimer = null;
socket.on('overview', () => {
  if (overviewTimer) return;
  overviewTimer = setTimeout(() => {
    overviewTimer = null;
    refreshCards();
  }, 3000);
});
socket.on('synthesis_entry', ({ entry }) => {
  applyEntry(entry);
  showUndo();
});

function showStatus(online) {
  els.connection.dataset.state = online ? 'online' : 'offline';
  els.connection.textContent = t(online ? 'online' : 'offline');
}

socket.on('connect', async () => {
  await sync();
  showStatus(true);
});
socket.on('disconnect', () => showStatus(false));
socket.on('connect_error', () => showStatus(false));
