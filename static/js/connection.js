// The socket of one screen: connects to the screen's namespace, feeds every
// fact into the store, resyncs on every (re)connect and after a gap, and sends
// commands with their acknowledgement.
//
// `io` is the vendored Socket.IO client, loaded before this module as a
// classic script (static/vendor/socket.io/socket.io.min.js).
import { t } from './config.js';

/** Refusals that mean "try again later" rather than "this is wrong". */
export const TRANSIENT = new Set(['throttled', 'not_connected', 'error', 'busy']);
/** How long a missing fact may be late (another server process may deliver out of order). */
export const GAP_WAIT_MS = 300;
const SEND_TIMEOUT_MS = 10000;
// A Socket.IO packet is "42<namespace>,<ack id>[event, payload]": room for the
// frame around the JSON, so the estimate errs on the safe side.
const PACKET_OVERHEAD = 24;

/** Bytes the command would take on the wire, as UTF-8. */
export function packetBytes(namespace, event, payload) {
  return new TextEncoder().encode(JSON.stringify([event, payload])).length
    + namespace.length + PACKET_OVERHEAD;
}

/**
 * Open the screen's socket.
 * @param {object} options
 * @param {string} options.namespace e.g. "/board"
 * @param {object} options.auth what the namespace admits by, e.g. {workshop: "ABC234"}
 * @param {object} options.store from createStore()
 * @param {number} [options.maxBytes] limits.message_bytes: the server drops a connection that sends more
 * @param {(state: 'online'|'offline'|'reconnecting', info?: {error?: Error, retrying: boolean}) => void} [options.onStatus]
 * @param {() => void} [options.onSynced] after every (re)connect, once the board is fresh
 */
export function connect({ namespace, auth, store, maxBytes = Infinity, onStatus = () => {}, onSynced = () => {} }) {
  const socket = io(namespace, {
    transports: ['websocket'],
    auth,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    // A handshake that hangs on poor Wi-Fi is given up after 5 s, not the default 20 s.
    timeout: 5000,
  });

  /** Send a command; resolves to the server's reply, or rejects when no reply came in time. */
  async function send(event, payload, timeout = SEND_TIMEOUT_MS) {
    // Refused here, since the server would drop the whole connection for it.
    if (packetBytes(namespace, event, payload) > maxBytes) {
      return { ok: false, code: 'too_large', error: t('too_large') };
    }
    return socket.timeout(timeout).emitWithAck(event, payload);
  }

  async function syncOnce() {
    store.beginSync();
    try {
      const reply = await send('sync', {});
      if (reply && reply.ok) {
        if (store.snapshot(reply.board)) watchGap();
        return true;
      }
    } catch {
      // No reply in time: the next reconnect syncs again.
    }
    store.syncFailed();
    return false;
  }

  // One sync at a time; a sync asked for while one runs is run after it, since
  // the running one may have been answered before what the caller knows of.
  let running = null;
  let again = false;
  function resync() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let ok;
      do {
        again = false;
        ok = await syncOnce();
      } while (again && socket.connected);
      return ok;
    })().finally(() => { running = null; });
    return running;
  }

  let gapTimer = null;
  function watchGap() {
    if (gapTimer) return;
    gapTimer = window.setTimeout(() => {
      gapTimer = null;
      if (store.hasGap()) resync();
    }, GAP_WAIT_MS);
  }

  // Every event goes to the store, which knows which ones it has reducers for:
  // there is no list of event names to keep in step with the server.
  socket.onAny((event, payload) => {
    if (store.receive(event, payload) === 'gap') watchGap();
    // A fact asked for the whole board again (what this screen may see changed wholesale).
    if (store.state.resync) {
      store.state.resync = false;
      resync();
    }
  });
  socket.on('connect', async () => {
    onStatus('online', { retrying: true });
    await resync();
    onSynced();
  });
  socket.on('disconnect', () => onStatus('offline', { retrying: socket.active }));
  socket.on('connect_error', (error) => onStatus('offline', { error, retrying: socket.active }));
  socket.io.on('reconnect_attempt', () => onStatus('reconnecting', { retrying: true }));

  return {
    socket,
    send,
    resync,
    get connected() {
      return socket.connected;
    },
    /** The device is back on the network: try at once instead of waiting out the back-off. */
    reconnectNow() {
      if (!socket.connected) socket.disconnect().connect();
    },
  };
}
