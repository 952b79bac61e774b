// Helpers shared by the board, the projector and the facilitator pages.

/** The page's texts, passed from the server in data-i18n. */
const strings = JSON.parse(document.body.dataset.i18n || '{}');

/** Return the text for key with {name} placeholders filled in. */
export function t(key, values = {}) {
  let text = strings[key] || key;
  for (const [name, value] of Object.entries(values)) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

/** Like t, but with the singular text (key_one) when n is 1: German and English need no more forms. */
export function tn(key, n, values = {}) {
  const chosen = n === 1 && strings[`${key}_one`] ? `${key}_one` : key;
  return t(chosen, { n, ...values });
}

/** A random UUID v4; crypto.randomUUID needs HTTPS, the venue laptop serves plain HTTP. */
export function uuid4() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Create an element: h('p', {class: 'x'}, 'text', child). Text is always text, never HTML. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Shorten text for labels, on a character boundary. */
export function truncate(text, max) {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Say something to screen readers through a polite live region. */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  window.setTimeout(() => { region.textContent = message; }, 50);
}

/** Open the workshop's socket: WebSocket only, reconnecting for ever. */
export function connect(code, role = 'participant') {
  return io({
    transports: ['websocket'],
    auth: { workshop: code, role },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    // A handshake that hangs on poor Wi-Fi is given up after 5 s, not the default 20 s.
    timeout: 5000,
  });
}

/** Send a command and wait for the server's acknowledgement (or a timeout error). */
export async function send(socket, event, payload, timeout = 10000) {
  return socket.timeout(timeout).emitWithAck(event, payload);
}

/** The events that change the cards on a board. */
export const CARD_EVENTS = ['card_posted', 'card_edited', 'card_withdrawn'];

/**
 * Asks the server for the whole board. The server may read the board before
 * a card event that reaches this page while the answer is on its way; such
 * events are handed back as `missed`, to be applied again on top of the board.
 */
export class BoardSync {
  constructor(socket) {
    this.socket = socket;
    this.buffers = new Set();
    for (const event of CARD_EVENTS) {
      socket.on(event, (data) => this.buffers.forEach((buffer) => buffer.push([event, data])));
    }
  }

  /** Resolve to {board, missed}, or null when the server refused. */
  async fetch() {
    const buffer = [];
    this.buffers.add(buffer);
    try {
      const reply = await send(this.socket, 'sync', {});
      return reply.ok ? { board: reply.board, missed: buffer } : null;
    } finally {
      this.buffers.delete(buffer);
    }
  }
}

/** Apply one card event to a map of cards; true when it changed which cards there are. */
export function applyCardEvent(cards, event, data) {
  if (event === 'card_withdrawn') return cards.delete(data.id);
  const isNew = !cards.has(data.id);
  cards.set(data.id, data);
  return isNew;
}

/**
 * Commands waiting for the server, kept in localStorage so that a card
 * written without a connection survives a reload and is sent exactly once:
 * the card's id is made here, and the server treats a resend as the same card.
 */
export class Outbox {
  constructor(storageKey) {
    this.key = storageKey;
    // Used instead of localStorage when that is full or disabled (some private modes).
    this.memory = null;
  }

  entries() {
    if (this.memory) return [...this.memory];
    try {
      const stored = JSON.parse(localStorage.getItem(this.key) || '[]');
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  save(entries) {
    try {
      localStorage.setItem(this.key, JSON.stringify(entries));
      this.memory = null;
    } catch {
      // Storage full or disabled: the entries stay in memory for this page only.
      this.memory = entries;
    }
  }

  /** Add or replace the entry with the same key (a second edit replaces the first). */
  put(entry) {
    const entries = this.entries().filter((e) => e.key !== entry.key);
    entries.push(entry);
    this.save(entries);
  }

  remove(key) {
    this.save(this.entries().filter((e) => e.key !== key));
  }
}
