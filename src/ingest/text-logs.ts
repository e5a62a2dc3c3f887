// Plain-text run logs Halo reads whole, one run per file (everything else it
// reads is JSON): how each is recognized from its first bytes, and the key
// its text travels under to the format module that parses it.

/** Record key that carries a ChatDev run log's whole text (formats/chatdev.ts). */
export const CHATDEV_LOG_KEY = 'chatdev_log';

// ChatDev 1.x opens every run log with its preprocessing entry:
// `[2023-25-08 09:35:56 INFO] **[Preprocessing]**` then `**ChatDev Starts** (20230825093556)`.
const CHATDEV_START = /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} [A-Z]+\] \*\*\[Preprocessing\]\*\*\s+\*\*ChatDev Starts\*\*/;

/** The record key for a text log that starts with `start`, or null when it is no known run log. */
export function textLogKey(start: string): string | null {
  return CHATDEV_START.test(start.replace(/^\ufeff?\s*/, '')) ? CHATDEV_LOG_KEY : null;
}
