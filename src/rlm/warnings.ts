// Provider warnings (a setting the provider could not honour) reach the user
// once each, on the progress stream, and every occurrence reaches the run log.
import { warningText, type ProviderWarning } from '../providers/types.ts';
import type { RunLog } from './runlog.ts';

export type WarnFn = (warnings: ProviderWarning[] | undefined, ctx: { loop: string; depth: number; model: string }) => void;

export function createWarner(runlog: RunLog, progress: (line: string) => void, seen: string[]): WarnFn {
  return (warnings, ctx) => {
    for (const w of warnings ?? []) {
      const text = `${ctx.model}: ${warningText(w)}`;
      runlog.write({ ev: 'warning', loop: ctx.loop, depth: ctx.depth, model: ctx.model, warning: w });
      if (seen.includes(text)) continue;
      seen.push(text);
      progress(`warning: ${text}`);
    }
  };
}
