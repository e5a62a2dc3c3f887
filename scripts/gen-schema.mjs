// Writes schema/findings.schema.json (the JSON Schema of findings.json) from
// the zod schema in src/findings/schema.ts, so users can validate our output
// with any JSON Schema tool. `--check` compares instead of writing and exits 1
// when the committed file is stale (a test runs it).
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'schema', 'findings.schema.json');

// Node cannot import TypeScript here, so bundle the schema module (zod
// included) in memory and import the result as a data: URL.
const entry = `
import { z } from 'zod';
import { FindingsFile, FINDINGS_SCHEMA_VERSION } from './src/findings/schema.ts';
export default { json: z.toJSONSchema(FindingsFile, { target: 'draft-2020-12', io: 'output' }), version: FINDINGS_SCHEMA_VERSION };
`;
const out = await build({
  stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'gen-schema-entry.ts' },
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  logLevel: 'error',
});
const code = out.outputFiles[0].text;
const { default: generated } = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));

const schema = {
  $schema: generated.json.$schema,
  $id: `halo-traces/findings.schema.json#v${generated.version}`,
  title: 'Halo findings.json',
  description: 'Findings of a Halo run: verified, ranked failure modes across AI-agent traces (schemaVersion ' + generated.version + ').',
  ...Object.fromEntries(Object.entries(generated.json).filter(([k]) => k !== '$schema')),
};
const text = JSON.stringify(schema, null, 2) + '\n';

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {}
  if (current !== text) {
    process.stderr.write('schema/findings.schema.json is out of date: run `node scripts/gen-schema.mjs`\n');
    process.exit(1);
  }
} else {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n`);
}
