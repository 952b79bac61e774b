// The organizer's overview: every workshop of every event, kept live by the
// `overview` facts of the event-wide namespace /event. The page already shows
// the counts as they were on loading; this only keeps them fresh, and counts
// on the "last activity" ("vor 3 Min.") between facts, marking a workshop that
// has phones connected in a busy phase but has been quiet too long.
//
// `io` is the vendored Socket.IO client, loaded before this module.
import { config, t } from '../config.js';

const phases = config.phases || {};
const quietAfter = config.quiet_after || 600;
const activePhases = new Set(config.active_phases || []);
const relative = new Intl.RelativeTimeFormat(document.documentElement.lang || 'de', {
  style: 'short',
  numeric: 'auto',
});
/** Per row: when its last activity was (by this browser's clock), its phones and phase. */
const activity = new WeakMap();

/** "vor 20 Sek.", "vor 3 Min.", "vor 2 Std.", "vor 1 Tag" (or English) for seconds ago. */
function ago(seconds) {
  if (seconds < 60) return relative.format(-seconds, 'second');
  if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), 'minute');
  if (seconds < 86400) return relative.format(-Math.floor(seconds / 3600), 'hour');
  return relative.format(-Math.floor(seconds / 86400), 'day');
}

/** Write a row's "last activity" as it stands now, and whether the workshop looks stuck. */
function showActivity(row) {
  const state = activity.get(row);
  const cell = row.querySelector('[data-activity]');
  if (!state || !cell) return;
  const text = cell.querySelector('[data-activity-text]');
  const flag = cell.querySelector('.quiet-flag');
  let quiet = false;
  if (state.at === null) {
    text.textContent = t('never');
  } else {
    const idle = Math.max(0, Math.round((Date.now() - state.at) / 1000));
    const shown = ago(idle);
    if (text.textContent !== shown) text.textContent = shown;
    quiet = state.phones > 0 && activePhases.has(state.phase) && idle >= quietAfter;
  }
  row.classList.toggle('quiet', quiet);
  if (flag) flag.hidden = !quiet;
}

function noteActivity(row, workshop) {
  const idle = workshop.idle_seconds;
  activity.set(row, {
    at: idle === null || idle === undefined ? null : Date.now() - idle * 1000,
    phones: workshop.phones,
    phase: workshop.phase,
  });
  showActivity(row);
}
const status = document.getElementById('live-status');
const tables = [...document.querySelectorAll('table[data-event]')];
const online = new Set();

function showStatus() {
  if (!status) return;
  const allOnline = online.size === tables.length;
  status.dataset.state = allOnline ? 'online' : 'offline';
  status.textContent = t(allOnline ? 'online' : 'offline');
}

/** Write one workshop's counts into its row. */
function updateRow(table, workshop) {
  const row = table.querySelector(`tr[data-code="${CSS.escape(workshop.code)}"]`);
  if (!row) return;
  for (const cell of row.querySelectorAll('[data-field]')) {
    const field = cell.dataset.field;
    const value = field === 'phase' ? (phases[workshop.phase] || workshop.phase) : workshop[field];
    if (value !== undefined && cell.textContent !== String(value)) cell.textContent = String(value);
  }
  if ('idle_seconds' in workshop) noteActivity(row, workshop);
}

function update(table, overview) {
  for (const workshop of overview.workshops || []) updateRow(table, workshop);
}

// The rows as the page drew them, counted on from the time it was loaded.
for (const row of document.querySelectorAll('tr[data-code]')) {
  const cell = row.querySelector('[data-activity]');
  if (!cell) continue;
  const idle = cell.dataset.idle === '' ? null : Number(cell.dataset.idle);
  activity.set(row, {
    at: idle === null ? null : Date.now() - idle * 1000,
    phones: Number(row.querySelector('[data-field="phones"]')?.textContent || 0),
    phase: row.dataset.phase,
  });
}
setInterval(() => {
  for (const row of document.querySelectorAll('tr[data-code]')) showActivity(row);
}, 15000);

for (const table of tables) {
  const slug = table.dataset.event;
  // One socket per event: each is admitted to its own event's room.
  const socket = io('/event', {
    transports: ['websocket'],
    auth: { event: slug },
    forceNew: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  socket.on('connect', async () => {
    online.add(slug);
    showStatus();
    try {
      // Catch up on what changed while the page loaded or the socket was away.
      const reply = await socket.timeout(10000).emitWithAck('sync', {});
      if (reply && reply.ok) update(table, reply.event);
    } catch {
      // No reply in time: the next overview fact brings the counts.
    }
  });
  socket.on('disconnect', () => {
    online.delete(slug);
    showStatus();
  });
  socket.on('connect_error', () => {
    online.delete(slug);
    showStatus();
  });
  socket.on('overview', (overview) => update(table, overview));
}
