// The console's timer: counts down from workshop.timer.ends_at by the server's
// clock (workshop.now says how far this laptop's clock is off), shows the
// paused rest, and gives a quiet signal at zero: a mark on the display and one
// announcement. Nothing is locked when the time is up.
import { t } from '../config.js';
import { announce } from '../dom.js';

/** mm:ss (or h:mm:ss) for a number of seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${String(minutes).padStart(2, '0')}:${rest}`;
}

export function createTimer() {
  const display = document.getElementById('timer-display');
  const status = document.getElementById('timer-status');
  const box = document.getElementById('timer-box');
  const forms = Object.fromEntries(['start', 'pause', 'resume', 'add', 'reset']
    .map((name) => [name, document.querySelector(`form[data-command="timer_${name}"]`)]));
  let timer = { state: 'idle' };
  let offset = 0; // server clock minus this laptop's clock, in ms
  let signalled = null; // the ends_at whose zero was already announced
  let workshopSeen = null;

  function remaining() {
    if (timer.state === 'running') return (Date.parse(timer.ends_at) - (Date.now() + offset)) / 1000;
    if (timer.state === 'paused') return timer.remaining;
    return null;
  }

  function tick() {
    const left = remaining();
    const text = left === null ? '–:–' : clock(Math.ceil(left));
    if (display.textContent !== text) display.textContent = text;
    const done = timer.state === 'running' && left <= 0;
    box.classList.toggle('timer-is-done', done);
    if (done && status.textContent !== t('timer_done')) status.textContent = t('timer_done');
    if (done && signalled !== timer.ends_at) {
      signalled = timer.ends_at;
      announce(t('timer_done'));
    }
  }

  /** Take the timer from a workshop payload (a snapshot, a fact or a reply). */
  function update(workshop) {
    if (!workshop || workshop === workshopSeen) return;
    workshopSeen = workshop;
    if (workshop.now) offset = Date.parse(workshop.now) - Date.now();
    timer = workshop.timer || { state: 'idle' };
    const { state } = timer;
    status.textContent = state === 'idle' ? t('timer_idle') : t(`timer_${state}`);
    box.dataset.state = state;
    forms.pause.hidden = state !== 'running';
    forms.resume.hidden = state !== 'paused';
    forms.add.hidden = state === 'idle';
    forms.reset.hidden = state === 'idle';
    tick();
  }

  window.setInterval(tick, 250);
  return { update, forms };
}
