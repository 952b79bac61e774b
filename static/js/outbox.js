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
