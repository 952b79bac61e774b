// The moderation log: who did what to which card and when, newest first, with
// "Rückgängig" on the steps that can still be undone (an undo form each).
import { config, t } from '../config.js';
import { h, truncate } from '../dom.js';

const TIME = new Intl.DateTimeFormat(document.documentElement.lang || 'de', { hour: '2-digit', minute: '2-digit' });

/** What a log entry says happened, in words. */
export function describe(entry) {
  const details = entry.details || {};
  const values = { ...details };
  if (details.phase) values.phase = t(`phase_${details.phase}`);
  if (typeof details.dots === 'number') values.dots = details.dots > 0 ? `+${details.dots}` : String(details.dots);
  return t(`log_${entry.action}`, values);
}

function item(entry) {
  const what = describe(entry);
  const text = entry.text ? truncate(entry.text, 80) : '';
  const at = entry.at ? new Date(entry.at) : null;
  const line = h('span', { class: 'log-line' },
    at ? h('time', { datetime: entry.at }, TIME.format(at)) : null,
    ' ',
    h('span', { class: 'log-who' }, entry.actor || ''),
    ': ',
    h('span', { class: 'log-what' }, what),
    text ? h('span', { class: 'log-text' }, ` „${text}“`) : null);
  const li = h('li', { class: `console-log-entry${entry.undone ? ' is-undone' : ''}`, id: `log-${entry.id}` }, line);
  if (entry.undone) {
    line.append(' ', h('span', { class: 'log-undone' }, entry.undone_by ? t('log_undone_by', { who: entry.undone_by }) : t('log_undone')));
  } else if (entry.undoable) {
    li.append(h('form', { method: 'post', action: `/w/${config.code}/facilitate/undo`, dataset: { command: 'undo' } },
      h('input', { type: 'hidden', name: 'csrf_token', value: config.csrf || '' }),
      h('input', { type: 'hidden', name: 'entry', value: entry.id }),
      h('button', { class: 'button subtle', type: 'submit', 'aria-label': t('log_undo_label', { what: `${what}${text ? ` „${text}“` : ''}` }), dataset: { focus: `undo:${entry.id}` } }, t('log_undo'))));
  }
  return li;
}

/** Draw the log, keeping the entries that did not change. */
export function renderLog(log) {
  const list = document.getElementById('console-log');
  const wanted = log.map((entry) => {
    const sign = JSON.stringify(entry);
    const existing = document.getElementById(`log-${entry.id}`);
    if (existing && existing.dataset.signature === sign) return existing;
    const el = item(entry);
    el.dataset.signature = sign;
    if (existing) existing.replaceWith(el);
    return el;
  });
  for (const child of [...list.children]) if (!wanted.includes(child)) child.remove();
  wanted.forEach((el, index) => {
    if (list.children[index] !== el) list.insertBefore(el, list.children[index] || null);
  });
  document.getElementById('log-empty').hidden = log.length > 0;
}
