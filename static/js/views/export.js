// Exports as background jobs, watched from the browser.
//
// On the download page the form is sent with fetch: the server starts the job
// and answers with its status address, which this polls about once a second,
// showing the progress, and then starts the download. On a job's status page
// (reached without JavaScript or by a saved link) it polls the same address and
// reloads the page when the job ends. Without JavaScript the form posts, and the
// status page refreshes itself.
import { t } from '../config.js';

const POLL_MS = 800;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll a job's status until it is done, failed or gone; call show(status) on each answer. */
async function follow(statusUrl, show) {
  for (;;) {
    let status;
    try {
      const response = await fetch(statusUrl, { headers: { Accept: 'application/json' } });
      if (!response.ok && response.status !== 410) throw new Error(String(response.status));
      status = await response.json();
    } catch {
      show({ state: 'offline' });
      await sleep(POLL_MS * 3);
      continue;
    }
    show(status);
    if (!['queued', 'running'].includes(status.state)) return status;
    await sleep(POLL_MS);
  }
}

function describe(status) {
  if (status.state === 'queued') return t('queued');
  if (status.state === 'running') {
    const percent = Math.round((status.progress || 0) * 100);
    return t('running', { percent }) + (status.message ? ` – ${status.message}` : '');
  }
  if (status.state === 'done') return t('done', { name: status.filename });
  if (status.state === 'offline') return t('offline');
  return status.error || t('failed');
}

function downloadPage(form) {
  const box = form.querySelector('[data-export-progress]');
  const bar = box.querySelector('progress');
  const text = box.querySelector('[data-export-text]');
  const button = form.querySelector('[type="submit"]');
  const show = (status) => {
    if (status.progress !== undefined) bar.value = Math.round(status.progress * 100);
    text.textContent = describe(status);
    box.dataset.state = status.state;
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    box.hidden = false;
    button.disabled = true;
    show({ state: 'queued', progress: 0 });
    try {
      let started;
      try {
        const response = await fetch(form.action, {
          method: 'POST',
          body: new FormData(form),
          headers: { Accept: 'application/json' },
        });
        started = await response.json();
      } catch {
        started = { ok: false };
      }
      if (!started.ok) {
        show({ state: 'failed', error: started.error || t('failed') });
        return;
      }
      const final = await follow(started.status, show);
      if (final.state === 'done') {
        for (const old of form.querySelectorAll('a[data-export-file]')) old.remove();
        const link = document.createElement('a');
        link.href = final.file;
        link.textContent = t('download', { name: final.filename });
        link.className = 'button';
        link.dataset.exportFile = '';
        link.setAttribute('download', final.filename);
        text.after(link);
        window.location.assign(final.file);
      }
    } finally {
      button.disabled = false;
    }
  });
}

function statusPage(section) {
  const bar = section.querySelector('progress');
  const text = section.querySelector('[data-export-text]');
  follow(section.dataset.statusUrl, (status) => {
    if (bar && status.progress !== undefined) bar.value = Math.round(status.progress * 100);
    if (text) text.textContent = describe(status);
  }).then(() => window.location.reload());
}

for (const form of document.querySelectorAll('form[data-export]')) downloadPage(form);
const section = document.querySelector('.export-job[data-status-url]');
if (section && ['queued', 'running'].includes(section.dataset.state)) statusPage(section);
