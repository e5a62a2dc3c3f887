// DuckDB's client, loaded when a store or sql() first needs it: importing it
// as an ES module costs about 0.17 CPU-s (Node lexes every CommonJS file of
// the package for its exports), required about 0.06 s, and a run that keeps
// no store (`--store memory`, the default) needs none of it, in neither of
// its two processes.
import { createRequire } from 'node:module';

type DuckDBApi = typeof import('@duckdb/node-api');

let api: DuckDBApi | null = null;

export function duckdbApi(): DuckDBApi {
  return (api ??= createRequire(import.meta.url)('@duckdb/node-api') as DuckDBApi);
}
