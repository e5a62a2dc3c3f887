// A parent process for the process-lifetime tests: it loads the traces named
// on its command line into a sandbox and runs one endless cell. The cell's
// first step is an llm() host call, so the line "running" on stdout means the
// cell has reached the sandbox child and is spinning there.
import { createSandbox } from '../../dist/index.js';

const sandbox = createSandbox({
  files: process.argv.slice(2),
  cellTimeoutMs: 600_000,
  onHostCall: async () => {
    process.stdout.write('running\n');
    return 'go';
  },
});
await sandbox.load();
await sandbox.run('await llm("go"); let n = 0; while (true) { n++ }');
