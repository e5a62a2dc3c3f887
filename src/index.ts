// Library entry point. Each area re-exports its public surface here.
export type * from './types.ts';
export * from './findings/schema.ts';
export * from './history/index.ts';
export * from './config/index.ts';
