// The board as one screen knows it, and the only code that changes it.
//
// Pure: no DOM, no socket, so node's test runner can import it. Every server
// fact has one reducer here; the socket wiring feeds every event it receives
// into receive(), so a new fact is one new reducer and nothing else. Facts
// numbered with `seq` are applied in order, exactly once (protocol.md, "Client
// rule for sequenced facts"); what a screen may see (totals, the derived phase
// flags) is decided by the server and only stored here.

/** Held facts kept at most while waiting for a snapshot; the snapshot covers older ones. */
const MAX_HELD = 1000;

/** The state before the first snapshot. */
export function emptyState() {
  return {
    seq: null, // the last sequenced fact included; null until a snapshot
    workshop: null, // {code, title, phase, dot_budget, max_dots_per_card, collecting, voting, results_shown}
    cards: new Map(), // id -> card, in the order the server gave (oldest first, or ranked)
    totals: null, // {card_id: n} or null when this screen may not see them
    dots_given: null,
    me: null, // {author_key, votes: {card_id: n}, dots_left} on phones, else null
    voters: null, // how many people voted (console and projector), else null
    phones: null, // phones connected (console only)
    log: [], // the moderation log, newest first (console only)
    resync: false, // set by a fact that asks every screen to fetch the board again
  };
}

/** The state a snapshot (the reply of `sync`, or the page's data-board) describes. */
export function stateFromSnapshot(board) {
  return {
    seq: typeof board.seq === 'number' ? board.seq : null,
    workshop: board.workshop,
    cards: new Map((board.cards || []).map((card) => [card.id, card])),
    totals: board.totals ?? null,
    dots_given: board.dots_given ?? null,
    me: board.me ? { ...board.me, votes: { ...board.me.votes } } : null,
    voters: board.voters ?? null,
    phones: board.phones ?? null,
    log: board.log || [],
    resync: false,
  };
}

/**
 * Put a card into the state. During a blind collect a phone gets every card
 * without text or author; its own cards, which it knows in full (from its reply
 * or its last snapshot), keep their text when such a copy arrives.
 */
function putCard(state, card) {
  const known = state.cards.get(card.id);
  // During a blind collect a phone holds in full only the cards it wrote itself.
  if (card.blind && known && !known.blind) return;
  state.cards.set(card.id, card);
}

/**
 * One reducer per server fact: reducer(state, payload) changes state in place
 * and returns whether it was news (a card that was not there before, a card
 * that was there and is gone, a phase that is new), for views to announce.
 * All are idempotent, so a fact applied twice does no harm.
 */
export const reducers = {
  card_posted(state, { card }) {
    const isNew = !state.cards.has(card.id);
    putCard(state, card);
    return isNew;
  },
  card_edited(state, { card }) {
    // A card this screen did not have (a card approved or restored) is news to it.
    const isNew = !state.cards.has(card.id);
    putCard(state, card);
    return isNew;
  },
  // Several cards at once (a merge, or its undo): these are as given, those are gone.
  cards_changed(state, { cards, gone }) {
    for (const id of gone || []) state.cards.delete(id);
    for (const card of cards || []) putCard(state, card);
    return false;
  },
  // A numbered fact this screen has nothing to see of (a card waiting for approval).
  tick() {
    return false;
  },
  // What this screen may see changed wholesale (the cards of a blind collect revealed).
  cards_reset(state) {
    state.resync = true;
    return true;
  },
  card_withdrawn(state, { id }) {
    return state.cards.delete(id);
  },
  // Carries everything the new phase needs, so no screen asks for the board again.
  phase_changed(state, { workshop, totals, dots_given, voters }) {
    const isNew = !state.workshop || state.workshop.phase !== workshop.phase
      || Boolean(state.workshop.results_shown) !== Boolean(workshop.results_shown);
    state.workshop = workshop;
    state.totals = totals ?? null;
    state.dots_given = dots_given ?? null;
    state.voters = voters ?? null;
    return isNew;
  },
  // Options, the timer or the reveal changed: the same fields as a phase change.
  workshop_changed(state, payload) {
    const before = state.workshop;
    reducers.phase_changed(state, payload);
    return Boolean(before && before.timer && payload.workshop.timer
      && before.timer.state !== payload.workshop.timer.state);
  },
  // Console only: phones connected and people who voted.
  presence(state, { phones, voted }) {
    state.phones = phones;
    if (typeof voted === 'number') state.voters = voted;
    return false;
  },
  // Console only: a new or undone step of the moderation log.
  log_entry(state, { entry }) {
    state.log = [entry, ...state.log.filter((e) => e.id !== entry.id)].slice(0, 200);
    return true;
  },
  // A dot this participant gave or took back, from this tab's reply or another tab.
  dots_changed(state, { card, dots, dots_left: left }) {
    if (!state.me) return false;
    const votes = { ...state.me.votes, [card]: dots };
    if (!dots) delete votes[card];
    state.me = { ...state.me, votes, dots_left: left };
    return false;
  },
  // Coalesced totals. Whether this screen may see totals is set by the snapshot
  // and by phase_changed; a tally only refreshes numbers already visible, so one
  // sent just before the phase closed them cannot reveal them again.
  tally(state, payload) {
    if ('dots_given' in payload) state.dots_given = payload.dots_given ?? null;
    if ('voters' in payload) state.voters = payload.voters ?? null;
    if (payload.totals != null && state.totals !== null) state.totals = payload.totals;
    return false;
  },
};

function sequenceNumber(payload) {
  return payload && typeof payload.seq === 'number' ? payload.seq : null;
}

/**
 * A store for one screen. Listeners get (state, changes) after every change;
 * changes is a list of {event, payload, news, local}, where a snapshot is
 * {event: 'snapshot'} followed by the held facts it was followed by.
 */
export function createStore(board = null) {
  let state = board ? stateFromSnapshot(board) : emptyState();
  const listeners = new Set();
  let syncing = false;
  let held = []; // [event, payload] received while a sync is in flight, in arrival order
  const ahead = new Map(); // seq -> [event, payload]: facts that came before a missing one

  function notify(changes) {
    if (!changes.length) return;
    for (const listener of listeners) listener(state, changes);
  }

  function apply(event, payload, changes, local = false) {
    const news = reducers[event](state, payload);
    changes.push({ event, payload, news: Boolean(news), local });
  }

  /** Apply one fact by the sequence rule; returns 'applied', 'ignored' or 'gap'. */
  function take(event, payload, changes) {
    const seq = sequenceNumber(payload);
    if (seq === null) {
      apply(event, payload, changes);
      return 'applied';
    }
    if (seq <= state.seq) return 'ignored';
    if (seq > state.seq + 1) {
      ahead.set(seq, [event, payload]);
      return 'gap';
    }
    apply(event, payload, changes);
    state.seq = seq;
    // The missing fact came: the ones that waited for it follow in order.
    while (ahead.has(state.seq + 1)) {
      const [nextEvent, nextPayload] = ahead.get(state.seq + 1);
      ahead.delete(state.seq + 1);
      apply(nextEvent, nextPayload, changes);
      state.seq += 1;
    }
    for (const key of ahead.keys()) if (key <= state.seq) ahead.delete(key);
    return ahead.size ? 'gap' : 'applied';
  }

  function hold(event, payload) {
    held.push([event, payload]);
    if (held.length > MAX_HELD) held.shift();
  }

  /** Feed the held facts through the sequence rule again (after a snapshot, or a failed sync). */
  function replayHeld(changes) {
    const waiting = [...[...ahead.entries()].sort(([a], [b]) => a - b).map(([, fact]) => fact), ...held];
    ahead.clear();
    held = [];
    for (const [event, payload] of waiting) take(event, payload, changes);
  }

  return {
    get state() {
      return state;
    },

    /** Listen to changes; returns the function that stops listening. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /**
     * Take in a fact from the server. Returns 'applied', 'ignored' (already
     * included), 'held' (a sync is in flight, or none has come yet), 'gap' (a
     * fact is missing: wait briefly, then resync) or 'unknown' (no reducer:
     * an event this screen does not use, never an error).
     */
    receive(event, payload) {
      if (!Object.hasOwn(reducers, event)) return 'unknown';
      if (syncing || state.seq === null) {
        hold(event, payload);
        return 'held';
      }
      const changes = [];
      const status = take(event, payload, changes);
      notify(changes);
      return status;
    },

    /** True while a sequenced fact is missing. */
    hasGap() {
      return ahead.size > 0;
    },

    /** A sync is on its way: hold every fact until its snapshot is in. */
    beginSync() {
      syncing = true;
    },

    /** Replace the state by a snapshot, then apply the held facts it does not include; true when a gap remains. */
    snapshot(board) {
      syncing = false;
      state = stateFromSnapshot(board);
      const changes = [{ event: 'snapshot', payload: board, news: false, local: false }];
      if (state.seq !== null) replayHeld(changes);
      notify(changes);
      return ahead.size > 0;
    },

    /** The sync got no snapshot: go on with what is known; the next (re)connect syncs again. */
    syncFailed() {
      syncing = false;
      if (state.seq === null) return;
      const changes = [];
      replayHeld(changes);
      notify(changes);
    },

    /**
     * Apply a reducer for something this screen did itself: a command's reply
     * or an optimistic change. Not sequenced; the server's fact follows and is
     * applied by the rule as usual.
     */
    update(event, payload) {
      const changes = [];
      apply(event, payload, changes, true);
      notify(changes);
    },
  };
}

/**
 * The cards in the order a screen shows them: ranked by dots once results are
 * shown; before that pinned cards first, then the server's order (oldest first).
 */
export function orderedCards(state, cards = [...state.cards.values()]) {
  // Array.prototype.sort is stable: cards that compare equal keep the server's order.
  if (!state.workshop || !state.workshop.results_shown || !state.totals) {
    return [...cards].sort((a, b) => Number(Boolean(b.pinned)) - Number(Boolean(a.pinned)));
  }
  const totals = state.totals;
  return [...cards].sort((a, b) => (totals[b.id] || 0) - (totals[a.id] || 0));
}
