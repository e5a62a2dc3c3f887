// Non-idempotent writes (comments): sent once; when the answer is lost, look
// at the tracker before sending again, because a server that saved the
// comment and then failed would otherwise get it twice (or six times).
import { outcomeUnknown } from './http.ts';
import type { PlanItem } from './types.ts';

/** Letters and digits only: trackers re-render Markdown and ADF, the words stay. */
function words(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Whether a stored comment is the one `item` posts (its opening paragraph names the run and the counts). */
export function commentSaid(stored: string, item: PlanItem): boolean {
  const lead = item.commentDoc?.find((b) => b.kind === 'paragraph');
  const text = lead && lead.kind === 'paragraph' ? lead.content.map((c) => c.text).join('') : item.comment ?? '';
  const want = words(text);
  return want.length > 0 && words(stored).includes(want);
}

export async function writeOnce(what: string, write: () => Promise<unknown>, look: () => Promise<boolean>, log: (line: string) => void): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!outcomeUnknown(err)) throw err;
    if (await look()) {
      log(`${what}: ${(err as Error).message}, but the tracker has it; not sending again`);
      return;
    }
    log(`${what}: ${(err as Error).message}; the tracker does not have it, sending once more`);
    await write();
  }
}
