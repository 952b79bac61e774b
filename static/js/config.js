// What the server tells a screen about itself, in one place: <body data-config='{...}'>
// (protocol.md, "Page config"). Texts and limits come only from here.

/** Make t() and tn() over a dictionary of texts with {name} placeholders. */
export function translator(strings) {
  /** Return the text for key with {name} placeholders filled in. */
  function t(key, values = {}) {
    let text = Object.hasOwn(strings, key) ? strings[key] : key;
    for (const [name, value] of Object.entries(values)) {
      text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  }
  /** Like t, but the singular text (key_one) when n is 1: German and English need no more forms. */
  function tn(key, n, values = {}) {
    const chosen = n === 1 && Object.hasOwn(strings, `${key}_one`) ? `${key}_one` : key;
    return t(chosen, { n, ...values });
  }
  return { t, tn };
}

// Guarded so that modules importing this one also load in node's test runner.
const raw = globalThis.document?.body?.dataset.config;

/** The whole page config: screen, code, namespace, auth, csrf, limits, groups, strings. */
export const config = raw ? JSON.parse(raw) : {};
export const { t, tn } = translator(config.strings || {});
/** {card_text, name, message_bytes} */
export const limits = config.limits || {};
/** Stakeholder group key -> label in the page's language. */
export const groups = config.groups || {};
