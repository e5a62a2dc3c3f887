// Files that hold credentials are never listed, read, searched or patched,
// whatever .gitignore says: a repository may commit them by mistake.

const SECRET_NAMES = new Set([
  '.npmrc', '.pypirc', '.netrc', '_netrc', '.htpasswd', '.pgpass', '.git-credentials', '.dockercfg',
  'credentials', 'credentials.json', 'service-account.json', 'secrets.json', 'secrets.yaml', 'secrets.yml', 'secrets.toml',
  'id_rsa', 'id_dsa', 'id_ecdsa', 'id_ed25519', 'known_hosts', 'authorized_keys',
]);
const SECRET_EXTENSIONS = /\.(?:pem|key|p12|pfx|jks|keystore|kdbx|gpg|asc|der|crt|cer|ovpn|tfvars|tfstate)$/i;
const ENV_FILE = /^\.env(?:\..+)?$/i;
const ENV_TEMPLATE = /\.(?:example|sample|template|dist)$/i;

/** True for paths whose content is a secret by its name (`.env`, `*.pem`, `id_rsa`...). */
export function isSecretPath(path: string): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1]!.toLowerCase();
  if (ENV_FILE.test(base)) return !ENV_TEMPLATE.test(base);
  if (SECRET_NAMES.has(base)) return true;
  if (/^id_(?:rsa|dsa|ecdsa|ed25519)(?:\.|$)/.test(base)) return true;
  if (SECRET_EXTENSIONS.test(base)) return true;
  // ~/.aws/credentials, ~/.ssh/*, ~/.docker/config.json checked into a repo.
  return parts.slice(0, -1).some((d) => d === '.ssh' || d === '.aws' || d === '.gnupg') || (parts.at(-2) === '.docker' && base === 'config.json');
}
