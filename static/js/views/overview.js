// The organizer's overview: every workshop of every event, kept live by the
// `overview` facts of the event-wide namespace /event. The page already shows
// the counts as they were on loading; this only keeps them fresh.
//
// `io` is the vendored Socket.IO client, loaded before this module.
import { config, t } from '../config.js';

const phases = config.phases || {};
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
}

function update(table, overview) {
  for (const workshop of overview.workshops || []) updateRow(table, workshop);
}

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
