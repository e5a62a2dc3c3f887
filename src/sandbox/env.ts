// The sandbox child's environment: only what Node needs to start. API keys
// and every other secret stay in the parent; an allow-list (rather than a
// deny-list) means a secret under an unexpected name is dropped too.
const KEEP = /^(PATH|HOME|USER|LANG|LANGUAGE|LC_[A-Z_]+|TZ|TMPDIR|TMP|TEMP|SYSTEMROOT|SYSTEMDRIVE|WINDIR|COMSPEC|PATHEXT|USERPROFILE)$/i;
const SECRET = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|^OPENAI_|^ANTHROPIC_|^AZURE_|^AWS_|^GOOGLE_|^GH_|^GITHUB_|^LINEAR_|^JIRA_/i;

export function sandboxEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || !KEEP.test(k) || SECRET.test(k)) continue;
    out[k] = v;
  }
  return out;
}
