// The needs × themes matrix: the number of each need's cards (and their dots)
// per workshop, as a real table whose cells are shaded by CSS classes.
import { h } from '../dom.js';
import { t, tn } from '../config.js';

/** Shade level 0–4 of a cell, relative to the fullest cell of the table. */
export function level(count, max) {
  if (!count || !max) return 0;
  return Math.max(1, Math.ceil((4 * count) / max));
}

/** The matrix's rows: for each need, per workshop {cards, dots}. */
export function matrixRows(needs, workshops, cardsById) {
  return needs.map((need) => {
    const cells = new Map(workshops.map((w) => [w.id, { cards: 0, dots: 0 }]));
    for (const id of need.cards) {
      const card = cardsById.get(id);
      const cell = card && cells.get(card.workshop);
      if (cell) {
        cell.cards += 1;
        cell.dots += card.dots;
      }
    }
    return { need, cells: workshops.map((w) => cells.get(w.id)) };
  });
}

/** Fill the <table> with the matrix. */
export function renderMatrix(table, needs, workshops, cardsById) {
  const rows = matrixRows(needs, workshops, cardsById);
  const max = Math.max(0, ...rows.flatMap((row) => row.cells.map((c) => c.cards)));
  // Once the needs stand to the vote, the dots they got there have a column of their own.
  const voting = needs.some((need) => need.vote);
  table.replaceChildren(
    h('caption', {}, t('matrix_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('matrix_need')),
      workshops.map((w) => h('th', { scope: 'col' }, w.title)),
      h('th', { scope: 'col' }, t('matrix_total')),
      voting ? h('th', { scope: 'col' }, t('matrix_votes')) : null)),
    h('tbody', {}, rows.length ? null : h('tr', {},
      h('td', { colspan: workshops.length + 2 }, t('matrix_empty'))),
    rows.map(({ need, cells }) => h('tr', { dataset: { need: need.id } },
      h('th', { scope: 'row' }, need.title),
      cells.map((cell) => h('td', { class: `num heat heat-${level(cell.cards, max)}` },
        t('matrix_cell', cell))),
      h('td', { class: 'num' }, t('matrix_cell', { cards: need.card_count, dots: need.dots })),
      voting ? h('td', { class: 'num' }, need.vote ? tn('dots_total', need.vote.dots) : '–') : null))),
  );
}
