// THE card renderer: the phone, the projector and the console draw a card here
// and nowhere else. (templates/participant/_card.html draws the same phone card
// for the board without JavaScript, from the same texts.)
import { groups, t, tn } from './config.js';
import { h, truncate } from './dom.js';

/**
 * What each screen shows of a card. The differences are deliberate: the
 * projector is read from the back of the room, so it leaves out the kind (the
 * lane says it), the "edited" note and the solutions under a problem, and puts
 * the dots first once results are shown, with a bar as long as the dots. The
 * phone puts a problem's total at the top too, apart from its solutions.
 */
export const SCREENS = {
  board: { idPrefix: 'card-', dataId: true, kind: true, edited: true, solutions: true, answersChars: 80, totalFirst: true, controls: true, bars: false, marks: true },
  projector: { idPrefix: 'wall-', dataId: false, kind: false, edited: false, solutions: false, answersChars: 60, totalFirst: true, controls: false, bars: true, marks: true },
  console: { idPrefix: 'console-card-', dataId: true, kind: true, edited: true, solutions: true, answersChars: 80, totalFirst: false, controls: false },
};

/**
 * Everything a screen's cards depend on besides the card itself.
 * @param {string} screen 'board' | 'projector' | 'console'
 * @param {object} state the store's state
 * @param {object[]} cards the cards shown (on a phone also the ones waiting in the outbox)
 * @param {object} [phone] board only: {editing, csrf, code, maxText, refusals}
 *   (refusals: card id -> what the server refused about it, shown on the card)
 */
export function makeView(screen, state, cards, phone = {}) {
  const problems = new Map(cards.filter((c) => c.kind === 'problem').map((c) => [c.id, c]));
  const solutionsOf = new Map();
  for (const card of cards) {
    if (card.kind === 'solution' && card.answers) {
      if (!solutionsOf.has(card.answers)) solutionsOf.set(card.answers, []);
      solutionsOf.get(card.answers).push(card);
    }
  }
  const workshop = state.workshop || {};
  // Totals are shown where the server sent them: the console always, other
  // screens once results are shown (the server sends none before).
  const showTotals = state.totals !== null && (screen === 'console' || Boolean(workshop.results_shown));
  const totals = showTotals ? state.totals : null;
  return {
    screen,
    ...SCREENS[screen],
    workshop,
    me: state.me,
    totals,
    // The longest bar: the most dots any card shown got.
    maxTotal: totals ? Math.max(1, ...cards.map((c) => totals[c.id] || 0)) : 1,
    problems,
    solutionsOf,
    editing: null,
    csrf: '',
    code: workshop.code,
    maxText: 0,
    refusals: new Map(),
    ...phone,
  };
}

/** Is this card the viewer's own? */
export function isMine(card, me) {
  return Boolean(me && card.author_key === me.author_key);
}

/** Draw one card as the view's screen shows it. */
export function renderCard(card, view) {
  const mine = view.controls && isMine(card, view.me);
  // During a blind collect others' cards come without text: that they are there is all there is to show.
  const covered = Boolean(card.blind) && !card.text;
  const awaiting = card.status === 'pending';
  const classes = ['card', `card-${card.kind}`, mine && 'card-mine', card.pending && 'card-pending',
    awaiting && 'card-awaiting', covered && 'card-blind', card.pinned && 'card-pinned'];
  const li = h('li', {
    class: classes.filter(Boolean).join(' '),
    id: `${view.idPrefix}${card.id}`,
    dataset: view.dataId ? { id: card.id } : undefined,
  });
  const dots = view.totals ? view.totals[card.id] || 0 : 0;
  const total = view.totals ? h('p', { class: 'card-total' }, tn('dots_total', dots)) : null;
  if (total && view.totalFirst) li.append(total);
  if (view.kind) li.append(h('p', { class: 'card-kind' }, t(KIND_LABELS[card.kind] || 'kind_problem')));
  if (view.controls && view.editing === card.id) li.append(editForm(card, view));
  else if (covered) li.append(h('p', { class: 'card-text card-covered' }, t('blind_card')));
  else li.append(h('p', { class: 'card-text' }, card.text));
  if (total && view.bars) {
    // The length in steps of 5 %, as a class: no style attribute anywhere on the page,
    // so any inline style that shows up can only be an injection.
    const step = view.maxTotal ? Math.round((dots / view.maxTotal) * 20) : 0;
    const fill = h('span', { class: `bar-fill bar-${step * 5}` });
    li.append(h('span', { class: 'bar', 'aria-hidden': 'true' }, fill));
  }
  if (card.answers && view.problems.has(card.answers) && view.problems.get(card.answers).text) {
    const answered = view.problems.get(card.answers).text;
    li.append(h('p', { class: 'card-answers' }, t('answers', { text: truncate(answered, view.answersChars) })));
  }
  const about = meta(card, view);
  if (about.length) li.append(h('p', { class: 'card-meta' }, about.join(' · ')));
  const solutions = (view.solutionsOf.get(card.id) || []).filter((s) => s.text);
  if (view.solutions && card.kind === 'problem' && solutions.length) {
    li.append(h('div', { class: 'card-solutions' },
      h('p', { class: 'card-solutions-title' }, t('answered_by')),
      h('ul', {}, solutions.map((s) => h('li', {}, truncate(s.text, 120))))));
  }
  if (total && !view.totalFirst) li.append(total);
  if (view.controls) {
    const refusal = view.refusals.get(card.id);
    if (refusal) li.append(h('p', { class: 'card-error', id: `card-error-${card.id}` }, refusal));
    const myDots = view.me ? view.me.votes[card.id] || 0 : 0;
    if (view.workshop.voting && view.me && !card.pending && !awaiting) li.append(voteBlock(card, view, refusal));
    else if (view.totals && myDots) li.append(h('p', { class: 'my-dots' }, t('my_dots', { n: myDots })));
    if (view.workshop.collecting && !card.pending && view.editing !== card.id) li.append(actions(card, view, mine, covered));
  }
  return li;
}

/** The label of each lane's cards; a need is put to the vote by the synthesis board. */
const KIND_LABELS = { problem: 'kind_problem', solution: 'kind_solution', need: 'kind_need' };

/** The lanes of a board, in order; the need lane shows only while it has cards. */
export const LANES = ['problem', 'solution', 'need'];

function meta(card, view) {
  // A card still waiting to be sent has no author from the server yet: "anonym"
  // would tell its writer the wrong thing.
  if (card.pending) return [t('pending')];
  // The marks (waiting for approval, paper, moderated) are the phone's and the
  // projector's; the console shows its own flags.
  const marks = Boolean(view.marks);
  const parts = [];
  if (marks && card.status === 'pending') parts.push(t('awaiting_approval'));
  if (card.blind && !card.text) return parts;
  if (card.kind === 'need') return [...parts, t('from_synthesis')];
  parts.push(card.author_name || (marks && card.paper ? t('paper') : t('anonymous')));
  if (card.author_group) parts.push(groups[card.author_group] || card.author_group);
  if (marks && card.paper && card.author_name) parts.push(t('paper'));
  if (marks && card.moderated && view.edited) parts.push(t('moderated'));
  else if (card.edited && view.edited) parts.push(t('edited'));
  return parts;
}

function voteBlock(card, view, refusal) {
  const { me, workshop } = view;
  const myDots = me.votes[card.id] || 0;
  const label = truncate(card.text || t('blind_card'), 60);
  // The buttons point at the refusal beside them, so a screen reader reads it with the button.
  const described = refusal ? `card-error-${card.id}` : null;
  const full = myDots >= workshop.max_dots_per_card;
  return h('div', { class: 'card-vote' },
    h('p', { class: 'my-dots' }, t(full ? 'my_dots_full' : 'my_dots', { n: myDots }), ' ', h('span', { class: 'dots', 'aria-hidden': 'true' }, '●'.repeat(myDots))),
    commandForm(view, 'cast_vote', 'votes', card.id,
      h('button', { class: 'button', type: 'submit', 'aria-label': t('vote_label', { text: label }), 'aria-describedby': described, dataset: { focus: `vote:${card.id}` }, disabled: me.dots_left < 1 || full }, `+ ${t('vote')}`)),
    myDots ? commandForm(view, 'take_back_vote', 'votes/take-back', card.id,
      h('button', { class: 'button', type: 'submit', 'aria-label': t('unvote_label', { text: label }), 'aria-describedby': described, dataset: { focus: `unvote:${card.id}` } }, `− ${t('unvote')}`)) : null);
}

function actions(card, view, mine, covered) {
  const box = h('div', { class: 'card-actions' });
  if (card.kind === 'problem' && !covered && card.status !== 'pending') {
    box.append(h('button', { class: 'button subtle', type: 'button', dataset: { action: 'answer', id: card.id, focus: `answer:${card.id}` }, 'aria-label': `${t('answer_this')}: ${truncate(card.text, 60)}` }, t('answer_this')));
  }
  if (mine) {
    box.append(
      h('button', { class: 'button subtle', type: 'button', dataset: { action: 'edit', id: card.id, focus: `edit:${card.id}` } }, t('edit')),
      commandForm(view, 'withdraw_card', 'cards/withdraw', card.id,
        h('button', { class: 'button subtle', type: 'submit', dataset: { focus: `withdraw:${card.id}` } }, t('withdraw'))));
  }
  return box;
}

/** A real form posting to the server, so that the button also works when the script's path fails. */
function commandForm(view, command, path, id, button) {
  return h('form', { method: 'post', action: `/w/${view.code}/${path}`, dataset: { command } },
    h('input', { type: 'hidden', name: 'csrf_token', value: view.csrf }),
    h('input', { type: 'hidden', name: 'id', value: id }),
    button);
}

function editForm(card, view) {
  const fieldId = `edit-text-${card.id}`;
  const form = commandForm(view, 'edit_card', 'cards/edit', card.id, []);
  form.append(
    h('label', { for: fieldId }, t('edit')),
    h('textarea', { id: fieldId, name: 'text', rows: 3, maxlength: view.maxText, dataset: { focus: `edit-text:${card.id}` } }, card.text),
    h('div', { class: 'card-actions' },
      h('button', { class: 'button primary', type: 'submit' }, t('save')),
      h('button', { class: 'button subtle', type: 'button', dataset: { action: 'cancel-edit', id: card.id } }, t('cancel'))));
  return form;
}

/** Everything a drawn card depends on: when it is unchanged, the element (and the focus in it) stays. */
function signature(card, view) {
  const me = view.me;
  return JSON.stringify([
    card, view.controls && isMine(card, me), me && me.votes[card.id], me && me.dots_left > 0,
    view.workshop.max_dots_per_card, view.workshop.collecting, view.workshop.voting,
    view.totals ? view.totals[card.id] || 0 : null, view.bars && view.totals ? view.maxTotal : null,
    view.editing === card.id, view.refusals.get(card.id) || null,
    card.answers && view.problems.has(card.answers) ? view.problems.get(card.answers).text : null,
    (view.solutionsOf.get(card.id) || []).map((s) => s.text),
  ]);
}

/**
 * Make the list show these cards in this order, keeping the elements of cards
 * that did not change, so that a card being read or focused is not replaced.
 */
export function renderList(list, cards, view) {
  const wanted = cards.map((card) => {
    const sign = signature(card, view);
    const existing = document.getElementById(`${view.idPrefix}${card.id}`);
    if (existing && existing.parentElement === list && existing.dataset.signature === sign) return existing;
    const el = renderCard(card, view);
    el.dataset.signature = sign;
    if (existing) existing.replaceWith(el);
    return el;
  });
  for (const child of [...list.children]) {
    if (!wanted.includes(child)) child.remove();
  }
  wanted.forEach((el, index) => {
    if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
  });
}
