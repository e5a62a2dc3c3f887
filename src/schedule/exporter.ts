// Connects scheduled runs to the exporters (src/export). Kept apart so the
// scheduler does not depend on tracker code it may never use.
import type { Exporter } from './job.ts';

export async function exporterFromConfig(): Promise<Exporter> {
  return async () => {
    throw new Error('exporters are not available in this build');
  };
}
