// German-aware text matching for the synthesis board's filter: case-folded,
// umlauts written out (ä → ae) and ß → ss, other accents dropped, so that
// "Förderung", "FOERDERUNG" and "foerderung" all find each other.

const UMLAUTS = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/** Fold a text for comparing: lower case, umlauts and ß written out, accents dropped. */
export function fold(text) {
  return String(text)
    .toLocaleLowerCase('de')
    .replace(/[äöüß]/g, (c) => UMLAUTS[c])
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

// Endings of German plurals and inflections (after folding), longest first. A query
// word loses one, so "Vereinen" finds "Verein", "Förderungen" finds "Förderung" and
// "Akteur*innen" finds "Akteure"; a compound still finds its parts by substring.
const ENDINGS = ['innen', 'ern', 'en', 'er', 'es', 'e', 'n', 's'];

/** A folded query word without its plural or inflection ending (never shorter than 4). */
export function stem(word) {
  const bare = word.replace(/[*:_]/g, '');
  const ending = ENDINGS.find((end) => bare.endsWith(end) && bare.length - end.length >= 4);
  return ending ? bare.slice(0, -ending.length) : bare;
}

/** Whether every word of the query occurs in the text (both folded, the query's words stemmed). */
export function matches(text, query) {
  const words = fold(query).split(' ').filter(Boolean).map(stem);
  if (!words.length) return true;
  // Gender marks are dropped on both sides: "Akteur*innen" and "Akteurinnen" are one word.
  const folded = fold(text).replace(/[*:_]/g, '');
  return words.every((word) => folded.includes(word));
}

/**
 * The cards that pass the filters, in their order.
 * @param {object[]} cards as synth_sync gives them
 * @param {{theme: string, kind: string, dots: number, text: string}} filters
 */
export function filterCards(cards, { theme = '', kind = '', dots = 0, text = '' }) {
  return cards.filter((card) => (
    (!theme || String(card.workshop) === String(theme))
    && (!kind || card.kind === kind)
    && card.dots >= dots
    && matches(`${card.text} ${card.theme}`, text)
  ));
}
