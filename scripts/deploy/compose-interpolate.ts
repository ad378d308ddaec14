/**
 * Compose variable interpolation, as `docker compose config` does it: `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` and `$$` for a literal `$`.
 */
export class MissingVariableError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`required variable ${variable} is missing a value: ${message}`);
  }
}

const PATTERN =
  /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function interpolateString(text: string, env: Record<string, string | undefined>): string {
  return text.replace(PATTERN, (match, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const unset = value === undefined;
    const empty = unset || value === '';
    switch (op) {
      case ':-':
        return empty ? interpolateString(arg ?? '', env) : value!;
      case '-':
        return unset ? interpolateString(arg ?? '', env) : value!;
      case ':?':
        if (empty) throw new MissingVariableError(name, arg ?? '');
        return value!;
      case '?':
        if (unset) throw new MissingVariableError(name, arg ?? '');
        return value!;
      default:
        return value ?? '';
    }
  });
}

/** Interpolates every string (values, not keys) of a parsed compose document. */
export function interpolate<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') return interpolateString(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)])) as T;
  }
  return value;
}

/** Every `${VAR...}` reference in a text, with its operator (`''` for none). */
export function variableReferences(text: string): Array<{ name: string; op: string; arg: string }> {
  const refs: Array<{ name: string; op: string; arg: string }> = [];
  for (const m of text.matchAll(PATTERN)) {
    if (m[0] === '$$') continue;
    refs.push({ name: (m[1] ?? m[4])!, op: m[2] ?? '', arg: m[3] ?? '' });
  }
  return refs;
}
