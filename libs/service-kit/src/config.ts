import { z } from 'zod';

/** Raised when an environment variable does not satisfy its schema. The message is one line. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly expected: string,
    readonly received: string | undefined,
  ) {
    super(
      `Invalid environment variable ${variable}: expected ${expected}, got ${
        received === undefined ? 'nothing' : JSON.stringify(received)
      }`,
    );
    this.name = 'ConfigError';
  }
}

type EnvShape = Record<string, z.ZodType>;
export type Env = Record<string, string | undefined>;

/**
 * Parses `env` against a zod object shape whose keys are variable names.
 * Empty strings count as unset, so defaults apply. Throws {@link ConfigError} naming the first bad variable.
 */
export function parseEnv<S extends EnvShape>(shape: S, env: Env = process.env): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    input[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = z.object(shape).safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? '?');
  const expected = shape[variable]?.description ?? issue.message;
  throw new ConfigError(variable, expected, input[variable]);
}

/**
 * Like {@link parseEnv}, but a bad value prints one line on stderr and exits with status 1.
 * This is what a service's main() calls.
 */
export function loadEnvOrExit<S extends EnvShape>(shape: S, env: Env = process.env): z.infer<z.ZodObject<S>> {
  try {
    return parseEnv(shape, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/** Reusable variable schemas; each carries a description used as the "expected" part of errors. */
export const envVar = {
  port: (fallback: number) =>
    z.coerce.number().int().min(0).max(65535).default(fallback).describe('a port number from 0 to 65535'),
  host: (fallback: string) => z.string().min(1).default(fallback).describe('a host name or IP address'),
  string: (fallback: string) => z.string().default(fallback).describe('a string'),
  optionalString: () => z.string().optional().describe('a string'),
  url: (fallback: string) => z.url().default(fallback).describe('a URL such as http://host:port'),
  optionalUrl: () => z.url().optional().describe('a URL such as http://host:port'),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce.number().int().min(min).max(max).default(fallback).describe(`an integer from ${min} to ${max}`),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .transform((v) => v === 'true' || v === '1' || v === 'yes')
      .default(fallback)
      .describe('true or false'),
  enumOf: <T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z
      .enum(values)
      .default(fallback as never)
      .describe(`one of ${values.join(', ')}`),
  bytes: (fallback: string) =>
    z
      .string()
      .regex(/^\d+(b|kb|mb|gb)?$/i)
      .default(fallback)
      .describe('a size such as 1mb, 512kb or 1048576'),
  list: (fallback: string[] = []) =>
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .default(fallback)
      .describe('a comma-separated list'),
};

/** Variables every HTTP service understands. */
export function baseServiceEnv(defaultPort: number) {
  const production = process.env.NODE_ENV === 'production';
  return {
    PORT: envVar.port(defaultPort),
    HOST: envVar.host(production ? '0.0.0.0' : '127.0.0.1'),
    LOG_LEVEL: envVar.enumOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    LOG_FORMAT: envVar.enumOf(['json', 'pretty'] as const, production ? 'json' : 'pretty'),
    BODY_LIMIT: envVar.bytes('1mb'),
    SHUTDOWN_TIMEOUT_MS: envVar.int(10_000, 0, 600_000),
    /** Origins allowed by CORS (`*` for any); empty = no CORS headers. */
    CORS_ORIGINS: envVar.list([]),
  };
}

export type BaseServiceConfig = z.infer<z.ZodObject<ReturnType<typeof baseServiceEnv>>>;
