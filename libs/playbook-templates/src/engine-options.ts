/** Settings of a TemplateEngine, with their defaults. */
export interface TemplateEngineOptions {
  /** Python helper processes rendering in parallel. */
  poolSize?: number;
  /** Budget of one render call (all strings of one renderValue), enforced in Python and, +500 ms, from Node. */
  timeoutMs?: number;
  /** Largest output of one template or expression (characters of text or of JSON). */
  maxOutputBytes?: number;
  /** Address-space limit (RLIMIT_AS) of each helper. */
  memoryLimitBytes?: number;
  /** Largest JSON of the context variables one render call sends to Python. */
  maxContextBytes?: number;
  /** The Python 3 interpreter that has jinja2 (resolved once to its real executable). */
  pythonBin?: string;
  /** User and group the helpers run as when the engine runs as root; null keeps root (not recommended). */
  uid?: number | null;
  gid?: number | null;
  /** How long a helper may take to start and report ready. */
  startTimeoutMs?: number;
  /** Template sources whose referenced variables are remembered on the Node side. */
  namesCacheSize?: number;
}

export interface ResolvedOptions {
  poolSize: number;
  timeoutMs: number;
  maxOutputBytes: number;
  memoryLimitBytes: number;
  maxContextBytes: number;
  pythonBin: string;
  uid: number | null;
  gid: number | null;
  startTimeoutMs: number;
  namesCacheSize: number;
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  poolSize: 2,
  timeoutMs: 1_000,
  maxOutputBytes: 1024 * 1024,
  memoryLimitBytes: 512 * 1024 * 1024,
  maxContextBytes: 16 * 1024 * 1024,
  pythonBin: 'python3',
  uid: 65534,
  gid: 65534,
  startTimeoutMs: 10_000,
  namesCacheSize: 10_000,
};

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new RangeError(`TemplateEngine option ${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function optionalId(name: string, value: number | null): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `TemplateEngine option ${name} must be a non-negative integer or null, got ${value}`,
    );
  }
  return value;
}

export function resolveOptions(options: TemplateEngineOptions = {}): ResolvedOptions {
  const merged = { ...DEFAULT_OPTIONS, ...stripUndefined(options) };
  const uid = optionalId('uid', merged.uid);
  return {
    poolSize: positiveInteger('poolSize', merged.poolSize),
    timeoutMs: positiveInteger('timeoutMs', merged.timeoutMs),
    maxOutputBytes: positiveInteger('maxOutputBytes', merged.maxOutputBytes),
    memoryLimitBytes: positiveInteger('memoryLimitBytes', merged.memoryLimitBytes),
    maxContextBytes: positiveInteger('maxContextBytes', merged.maxContextBytes),
    pythonBin: merged.pythonBin,
    uid,
    gid: options.gid === undefined && options.uid !== undefined ? uid : optionalId('gid', merged.gid),
    startTimeoutMs: positiveInteger('startTimeoutMs', merged.startTimeoutMs),
    namesCacheSize: positiveInteger('namesCacheSize', merged.namesCacheSize),
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
