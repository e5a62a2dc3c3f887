// Turns halo.config.json sections into the option shapes the engine takes.
// Flags win: callers merge these under whatever the command line set.
import type { HaloConfig, ScheduleConfig } from './schema.ts';
import { MODEL_OPTIONS, valuesFromConfig, type ModelOptions } from './options.ts';

type Budgets = NonNullable<HaloConfig['budgets']>;

/** The model options `analyze()` takes, from the config's `provider` and `budgets` (a schedule's budgets over them). */
export function modelConfigFrom(config: HaloConfig, budgets?: Budgets): ModelOptions {
  return valuesFromConfig(MODEL_OPTIONS, config, { budgets });
}

/** The window a schedule analyzes: its own, else the config's. */
export function scheduleWindow(config: HaloConfig, s: ScheduleConfig): string | undefined {
  return s.window ?? config.window;
}
