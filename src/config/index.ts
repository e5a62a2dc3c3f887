export { HaloConfig, ScheduleConfig, ProviderConfig, BudgetConfig, ExportsConfig } from './schema.ts';
export { loadConfig, parseConfig, ConfigError, DEFAULT_CONFIG_FILE } from './load.ts';
export { modelConfigFrom, scheduleWindow } from './apply.ts';
export { MODEL_OPTIONS, RUN_OPTIONS, ModelOptions, checkModelOptions, durationMs, type OptionDef, type ModelValues } from './options.ts';
