// Finding a signal's definition by name: flags over halo.config.json's
// `signals`, and for `analyze --outcome-signal` the definition its labels
// were last stored under when the config does not hold it.
import { UsageError } from '../errors.ts';
import type { HaloConfig } from '../config/schema.ts';
import { parseSignal, type Signal, type SignalConfig } from './spec.ts';
import { SignalStore } from './store.ts';
import type { OutcomeSignal } from './outcome.ts';

/** The signal `name`: the config's entry with any flags set over it, or wholly from flags. */
export function resolveSignal(name: string, flags: Partial<Omit<SignalConfig, 'name'>>, config: HaloConfig): Signal {
  const i = (config.signals ?? []).findIndex((s) => s.name === name);
  if ((config.signals ?? []).filter((s) => s.name === name).length > 1) throw new UsageError(`halo.config.json: signals: two signals are named "${name}"; give each its own name`, { code: 'signal.invalid' });
  const fromConfig = i >= 0 ? config.signals![i]! : undefined;
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  if (!fromConfig && given.question === undefined) {
    const known = (config.signals ?? []).map((s) => s.name);
    throw new UsageError(
      `no signal named "${name}": give its --question (and --labels for more than yes/no)` +
        (known.length ? `, or use one from halo.config.json: ${known.join(', ')}` : ', or define it under "signals" in halo.config.json'),
      { code: 'signal.unknown' },
    );
  }
  return parseSignal({ ...(fromConfig ?? {}), ...given, name }, fromConfig ? `signals[${i}]` : '--question');
}

/** The labels `analyze --outcome-signal name` uses: those stored under the config's definition, else the latest stored one. */
export function outcomeSignalFrom(name: string, config: HaloConfig, stateDir: string): OutcomeSignal {
  const store = new SignalStore(stateDir, name);
  const inConfig = (config.signals ?? []).some((s) => s.name === name);
  let def: { def: string; fail: string[] } | undefined;
  if (inConfig) {
    const s = resolveSignal(name, {}, config);
    def = { def: s.definition, fail: s.fail };
  } else def = store.definitions().at(-1);
  if (!def) throw new UsageError(`--outcome-signal ${name}: no labels stored for it in ${stateDir} and no such signal in halo.config.json; label runs first with halo signal --name ${name}`, { code: 'signal.unknown' });
  if (!def.fail.length) throw new UsageError(`--outcome-signal ${name}: the signal names no fail label, so its labels cannot say which runs failed; set "fail" (or --fail when labelling)`, { code: 'signal.invalid' });
  const labels = [...store.labels(def.def).values()].map((l) => [l.run, l.label] as const);
  return { name, fail: def.fail, labels };
}
