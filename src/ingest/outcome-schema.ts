// The outcome table as it crosses into the sandbox child (ipc.ts): checked,
// since a process boundary is a trust boundary. Host side only (zod).
import { z } from 'zod';
import type { OutcomeTable as Table } from './outcomes.ts';

export const OutcomeTable: z.ZodType<Table> = z.object({
  files: z.array(z.string()),
  entries: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['trace', 'task']),
      trial: z.number().optional(),
      outcome: z.object({ success: z.boolean().optional(), reward: z.number().optional(), label: z.string().optional() }),
    }),
  ),
});
