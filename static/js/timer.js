// The workshop's timer as a screen shows it: the server sends when it ends
// (protocol.md, "Issue 7 additions"), each screen counts down itself with its
// clock corrected by the server's `now`. Pure, so node's test runner imports it.

/**
 * What the timer reads at a moment.
 * @param {object|null} timer the workshop's {state, ends_at, remaining, duration}
 * @param {number} now the server's time in milliseconds (this clock plus its offset)
 * @returns {{state: 'running'|'paused', seconds: number, done: boolean}|null} null when no timer runs
 */
export function timerReading(timer, now) {
  if (!timer || timer.state === 'idle') return null;
  if (timer.state === 'paused') {
    const seconds = Math.max(0, Math.round(timer.remaining || 0));
    return { state: 'paused', seconds, done: false };
  }
  if (timer.state !== 'running' || !timer.ends_at) return null;
  const left = Date.parse(timer.ends_at) - now;
  // Rounded up: "0:00" only when the time is really over.
  const seconds = Math.max(0, Math.ceil(left / 1000));
  return { state: 'running', seconds, done: seconds === 0 };
}

/**
 * A screen's reading of its workshop's timer: keeps how far this device's clock is
 * off the server's (from the `now` each workshop payload carries) and reads
 * nothing once the workshop is closed.
 * @param {() => number} clock this device's time in milliseconds
 * @returns {(workshop: object) => ReturnType<typeof timerReading>}
 */
export function workshopTimer(clock = Date.now) {
  let seen = null;
  let offset = 0; // server time minus this device's time, in milliseconds
  return (workshop) => {
    if (workshop !== seen) {
      seen = workshop;
      if (workshop.now) offset = Date.parse(workshop.now) - clock();
    }
    // A closed workshop has no time left to count.
    return workshop.phase === 'closed' ? null : timerReading(workshop.timer, clock() + offset);
  };
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatSeconds(total) {
  const s = Math.max(0, Math.floor(total));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
