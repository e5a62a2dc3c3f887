// `halo export <github|linear|jira|csv>`: findings.json → tracker issues,
// upserted by fingerprint. Dry run by default; --apply writes.
import { Argument, Command, Option } from 'commander';
import { Severity } from '../findings/schema.ts';
import { loadConfig } from '../config/index.ts';
import { EXPORT_TARGETS, exportFindings, parseSeverityMap, type ExportOptions, type ExportTarget } from '../export/index.ts';
import { UsageError } from '../errors.ts';

interface ExportCliOptions {
  findings: string;
  apply?: boolean;
  top?: string;
  minSeverity?: string;
  labelMap?: string;
  priorityMap?: string;
  label?: string[];
  out?: string;
  state?: string;
  repo?: string;
  team?: string;
  project?: string;
  site?: string;
  issueType?: string;
  apiUrl?: string;
  csvFlavor?: 'jira' | 'linear';
  config?: string;
  json?: boolean;
}

function usage(message: string): never {
  throw new UsageError(message);
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('Create or update tracker issues for findings, one per fingerprint (dry run unless --apply)')
    .addArgument(new Argument('<target>', 'github, linear, jira or csv').choices([...EXPORT_TARGETS]))
    .requiredOption('--findings <file>', 'findings.json from `halo analyze`')
    .option('--apply', 'write to the tracker (default: print the plan and payloads only)')
    .option('--top <n>', 'only the N best-ranked findings')
    .addOption(new Option('--min-severity <severity>', 'only findings at or above this severity').choices(Severity.options))
    .option('--label-map <map>', 'extra labels per severity: "critical=P0+urgent,high=P1" or JSON')
    .option('--priority-map <map>', 'tracker priority per severity: "critical=Highest,high=High" (Linear: 0-4)')
    .option('--label <name...>', 'labels on every issue (besides "halo")')
    .option('--out <file>', 'export-result.json for trackers (default export-result.json); the CSV file for csv')
    .option('--state <file>', 'earlier export-result.json to remember issues by (default: --out)')
    .option('--repo <owner/name>', 'github: repository')
    .option('--team <key>', 'linear: team key')
    .option('--project <key>', 'jira: project key')
    .option('--site <url>', 'jira: site, e.g. https://your-site.atlassian.net')
    .option('--issue-type <name>', 'jira: issue type (default Task)')
    .option('--api-url <url>', 'API base URL (GitHub Enterprise, proxies, tests)')
    .addOption(new Option('--csv-flavor <flavor>', 'csv: columns for this importer (default jira)').choices(['jira', 'linear']))
    .option('--config <file>', 'config file (default: ./halo.config.json when present); its "exports" section supplies defaults')
    .option('--json', 'print the plan and requests as JSON')
    .addHelpText(
      'after',
      `
Credentials come from the environment: GITHUB_TOKEN; LINEAR_API_KEY; JIRA_EMAIL + JIRA_API_TOKEN.
Issues are matched by finding fingerprint (GitHub: a hidden marker and the "halo" label;
Linear: an attachment URL; Jira: a halo-<fingerprint> label), so running again updates
instead of duplicating. Recurring findings get a comment, regressed ones are reopened,
nothing is ever closed. export-result.json remembers issues for the next run, per
destination (tracker + repository/team/project). Every tracker response is checked;
a malformed one fails that request. Requests time out (connect 10 s, response 30 s,
total 60 s). A create that gets no answer is never sent twice in one run: it is
recorded as pending and the next run looks for it (for 10 minutes, then creates it).

Examples:
  $ halo export github --findings halo-report/findings.json --repo acme/agent
  $ halo export github --findings halo-report/findings.json --repo acme/agent --apply --top 5
  $ halo export jira --findings findings.json --project OPS --site https://acme.atlassian.net --apply
  $ halo export csv --findings findings.json --out findings.csv --csv-flavor linear

Exit codes: 0 ok, 1 some writes failed, 2 bad usage or unreadable input, 3 internal error`,
    )
    .action(async (target: ExportTarget, opts: ExportCliOptions) => {
      const { config } = loadConfig(opts.config);
      const settings = config.exports?.[target] as Record<string, unknown> | undefined;
      const top = opts.top !== undefined ? Number(opts.top) : undefined;
      if (top !== undefined && !(Number.isInteger(top) && top > 0)) usage(`--top must be a positive integer, got "${opts.top}"`);
      let labelMap: ExportOptions['labelMap'];
      let priorityMap: ExportOptions['priorityMap'];
      try {
        if (opts.labelMap) labelMap = parseSeverityMap(opts.labelMap, '--label-map');
        if (opts.priorityMap) priorityMap = Object.fromEntries(Object.entries(parseSeverityMap(opts.priorityMap, '--priority-map')).map(([k, v]) => [k, v[0]!]));
      } catch (err) {
        usage((err as Error).message);
      }
      const out = target === 'csv' ? undefined : (opts.out ?? 'export-result.json');
      const result = await exportFindings({
        target,
        findingsFile: opts.findings,
        apply: Boolean(opts.apply),
        ...(settings ? { settings } : {}),
        ...(top !== undefined ? { top } : {}),
        ...(opts.minSeverity ? { minSeverity: opts.minSeverity as Severity } : {}),
        ...(labelMap ? { labelMap } : {}),
        ...(priorityMap ? { priorityMap } : {}),
        ...(opts.label ? { labels: opts.label } : {}),
        ...(out ? { out } : {}),
        ...(opts.state ? { state: opts.state } : {}),
        github: { repo: opts.repo, apiUrl: opts.apiUrl },
        linear: { team: opts.team, apiUrl: opts.apiUrl },
        jira: { project: opts.project, site: opts.site, apiUrl: opts.apiUrl, issueType: opts.issueType },
        csv: { out: opts.out, flavor: opts.csvFlavor },
        log: (line) => process.stderr.write(`${line}\n`),
      } as ExportOptions);
      if (opts.json) {
        const plan = result.plan.map((p) => ({ fingerprint: p.fingerprint, title: p.title, severity: p.severity, action: p.action, reason: p.reason, issue: p.issue?.url ?? result.results.items[p.fingerprint]?.url ?? null }));
        process.stdout.write(JSON.stringify({ destination: result.destination, applied: Boolean(opts.apply) || target === 'csv', plan, requests: opts.apply ? undefined : result.requests, errors: result.errors, pending: result.pending }, null, 2) + '\n');
      } else {
        process.stdout.write(result.text);
        if (!opts.apply && target !== 'csv') {
          if (result.requests.length) process.stdout.write('\nRequests --apply would send:\n');
          for (const r of result.requests) process.stdout.write(`\n${r.method} ${r.path}\n${JSON.stringify(r.body, null, 2)}\n`);
          process.stdout.write(`\nDry run: nothing was written. Add --apply to write.\n`);
        } else if (out) process.stdout.write(`Results: ${out}\n`);
      }
      if (opts.apply && result.pending) process.stderr.write(`${result.pending} create(s) got no answer and are pending; run the export again to confirm them\n`);
      if (result.errors) process.exitCode = 1;
    });
}
