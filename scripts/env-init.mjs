// Writes .env with random secrets for docker compose, once: an existing .env is never overwritten.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.env');
if (existsSync(target)) {
  console.log('.env exists; leaving it as it is');
  process.exit(0);
}
const secret = () => randomBytes(24).toString('hex');
const text = readFileSync(join(root, '.env.example'), 'utf8').replace(
  /^([A-Z_]+)=$/gm,
  (_, name) => `${name}=${secret()}`,
);
writeFileSync(target, text, { mode: 0o600 });
console.log('wrote .env with random secrets');
