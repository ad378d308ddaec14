/**
 * Keys whose values are secrets wherever they appear in args, results and events: session tokens, identity
 * tokens, passwords, keys. What is stored or published holds a redaction instead; the clear value lives only in
 * the memory of the execution that uses it.
 */
const SECRET_KEY =
  /^(session_token|auth0_token|id_token|access_token|refresh_token|token|password|passwd|secret|client_secret|api_key|apikey|authorization|credentials_key|private_key)$/i;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** A copy of `value` with every secret-keyed value replaced by `[redacted]` (objects and arrays, any depth). */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (depth > 200 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1)) as T;
  let copy: Record<string, unknown> | undefined;
  for (const [key, inner] of Object.entries(value)) {
    const next =
      isSecretKey(key) && inner !== null && inner !== '' ? REDACTED : redactSecrets(inner, depth + 1);
    if (next !== inner) {
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = next;
    }
  }
  return (copy ?? value) as T;
}
