// Commands waiting for the server, kept in localStorage so that a card written
// without a connection survives a reload and is sent exactly once: the card's
// id is made on the phone, and the server treats a resend as the same card.

export class Outbox {
  /**
   * @param {string} storageKey e.g. `querschnitt-outbox:ABC234`
   * @param {() => Storage} storage where to keep it; read on each use, since
   *   merely touching localStorage throws when the browser disables it.
   */
  constructor(storageKey, storage = () => globalThis.localStorage) {
    this.key = storageKey;
    this.storage = storage;
    // Used instead of localStorage when that is full or disabled (some private modes).
    this.memory = null;
  }

  /** The waiting entries {event, key, payload}, oldest first. */
  entries() {
    if (this.memory) return [...this.memory];
    try {
      const stored = JSON.parse(this.storage().getItem(this.key) || '[]');
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  save(entries) {
    try {
      this.storage().setItem(this.key, JSON.stringify(entries));
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

/**
 * When to try the outbox again after a "try again later" reply (the server is
 * busy, or this phone sent too fast): soon at first, then ever later, each
 * delay jittered so that a hall of phones told "busy" at once does not come
 * back at once.
 */
export class Retry {
  /**
   * @param {object} [options]
   * @param {number} [options.base] first delay in ms
   * @param {number} [options.max] longest delay in ms
   * @param {() => number} [options.random] in [0, 1)
   * @param {(fn: () => void, ms: number) => any} [options.setTimer]
   * @param {(timer: any) => void} [options.clearTimer]
   */
  constructor({
    base = 500,
    max = 8000,
    random = Math.random,
    setTimer = (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimer = (timer) => globalThis.clearTimeout(timer),
  } = {}) {
    Object.assign(this, { base, max, random, setTimer, clearTimer });
    this.attempt = 0;
    this.timer = null;
  }

  /** Run `fn` after the next delay; a retry already waiting is kept. Returns the delay. */
  schedule(fn) {
    if (this.timer !== null) return null;
    const ceiling = Math.min(this.max, this.base * 2 ** this.attempt);
    const delay = Math.round(ceiling * (0.5 + this.random() / 2));
    this.attempt += 1;
    this.timer = this.setTimer(() => {
      this.timer = null;
      fn();
    }, delay);
    return delay;
  }

  /** Something went through: the next refusal starts again with the shortest delay. */
  reset() {
    this.attempt = 0;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
