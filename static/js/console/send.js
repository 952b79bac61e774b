// Sending the console's forms over the socket. Every control of the console is
// a real <form method=post data-command=...>: the script sends it as the
// command of that name, and lets the form post as usual when there is no
// socket (or the socket cannot do it now), so keyboard, no-JavaScript and
// flaky-network use all end at the same action on the server.
import { t } from '../config.js';
import { TRANSIENT } from '../connection.js';
import { announce } from '../dom.js';

/** The form's fields as a command payload (the CSRF token is for the form post only). */
export function formPayload(form, submitter) {
  const data = new FormData(form, submitter && submitter.name ? submitter : undefined);
  data.delete('csrf_token');
  const payload = {};
  for (const [key, value] of data.entries()) payload[key] = value;
  return payload;
}

/** Show (or clear, with '') a refusal in the element that belongs to a control, and say it. */
export function showError(el, message) {
  if (!el) return;
  el.textContent = message || '';
  el.hidden = !message;
  if (message) announce(message);
}

/**
 * Send a command for a form; resolve to the reply when the server answered
 * {ok:true}, to null otherwise (the refusal is shown in errorEl, or the form
 * was posted the old way).
 * @param {object} conn from connect()
 * @param {HTMLFormElement} form the form the command came from (posted when the socket cannot)
 * @param {string} command the command's name
 * @param {object} payload its fields
 * @param {HTMLElement|null} errorEl where a refusal is shown, next to the control
 * @param {(message: string) => void} [onError] instead of errorEl, for controls drawn anew
 */
export async function sendCommand(conn, form, command, payload, errorEl, onError) {
  let reply;
  try {
    reply = await conn.send(command, payload);
  } catch {
    reply = null; // no answer in time
  }
  if (!reply || (!reply.ok && TRANSIENT.has(reply.code))) {
    if (!conn.connected && form && form.isConnected) {
      // The socket is gone: the page's own path can do it. (form.submit() does
      // not fire the submit handler again.) Moderation steps refuse a repeat.
      form.submit();
      return null;
    }
    const message = (reply && reply.error) || t('no_reply');
    if (onError) onError(message);
    else showError(errorEl, message);
    return null;
  }
  if (!reply.ok) {
    if (onError) onError(reply.error);
    else showError(errorEl, reply.error);
    return null;
  }
  if (!onError) showError(errorEl, '');
  return reply;
}
