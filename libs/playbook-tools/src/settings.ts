import { ConfigError, envVar, parseEnv } from '@switchyard/service-kit';
import type { Env } from '@switchyard/service-kit';
import { EgressPolicy } from './http/egress-policy.js';

const MIB = 1024 * 1024;

/** Every environment variable the tools read, with its default. */
export const toolSettingsEnv = {
  PYTHON_BIN: envVar.string('python3'),
  PYTHON_STEP_UID: envVar.int(61_000, 1, 2_147_483_647),
  PYTHON_STEP_GID: envVar.int(61_000, 1, 2_147_483_647),
  PYTHON_STEP_UID_COUNT: envVar.int(64, 1, 65_536),
  PYTHON_STEP_LOCK_DIR: envVar.string('/run/switchyard-python-uids'),
  PYTHON_STEP_CPU_SECONDS: envVar.int(60, 1, 86_400),
  PYTHON_STEP_MEMORY_BYTES: envVar.int(512 * MIB, 32 * MIB, Number.MAX_SAFE_INTEGER),
  PYTHON_STEP_MAX_OUTPUT_BYTES: envVar.int(10 * MIB, 1_024, Number.MAX_SAFE_INTEGER),
  PYTHON_STEP_MAX_PROCESSES: envVar.int(64, 1, 100_000),
  PYTHON_STEP_MAX_FILE_BYTES: envVar.int(64 * MIB, 0, Number.MAX_SAFE_INTEGER),
  PYTHON_STEP_MAX_OPEN_FILES: envVar.int(256, 16, 1_048_576),
  PYTHON_STEP_WALL_SECONDS: envVar.int(300, 1, 86_400),
  HTTP_TOOL_ALLOW: envVar.list([]),
  HTTP_TOOL_TIMEOUT_MS: envVar.int(30_000, 100, 3_600_000),
  HTTP_TOOL_MAX_RESPONSE_BYTES: envVar.int(10 * MIB, 1_024, Number.MAX_SAFE_INTEGER),
  HTTP_TOOL_MAX_REDIRECTS: envVar.int(5, 0, 50),
  POSTGRES_TOOL_STATEMENT_TIMEOUT_MS: envVar.int(60_000, 1, 86_400_000),
  POSTGRES_TOOL_CONNECT_TIMEOUT_MS: envVar.int(10_000, 100, 600_000),
  POSTGRES_TOOL_MAX_ROWS: envVar.int(10_000, 1, 10_000_000),
};

export interface PythonSettings {
  bin: string;
  /**
   * When the worker is root, each python step runs as its own uid from [uid, uid + uidCount), held
   * exclusively for the step (lock files in lockDir), with group gid.
   */
  uid: number;
  gid: number;
  uidCount: number;
  lockDir: string;
  cpuSeconds: number;
  memoryBytes: number;
  /** Cap on stdout + stderr + the result, together. */
  maxOutputBytes: number;
  /** RLIMIT_NPROC: processes (and threads) of the step's user. */
  maxProcesses: number;
  /** RLIMIT_FSIZE: the largest file the step may write. */
  maxFileBytes: number;
  /** RLIMIT_NOFILE. */
  maxOpenFiles: number;
  wallSeconds: number;
}

export interface HttpSettings {
  /** Host names (exact, or `*.example.com`) and CIDRs / addresses the egress policy lets through. */
  allow: string[];
  timeoutMs: number;
  maxResponseBytes: number;
  maxRedirects: number;
}

export interface PostgresSettings {
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  maxRows: number;
}

export interface ToolSettings {
  python: PythonSettings;
  http: HttpSettings;
  postgres: PostgresSettings;
}

/** Reads the tool settings from the environment; a bad value throws a ConfigError naming the variable. */
export function toolSettingsFromEnv(env: Env = process.env): ToolSettings {
  const e = parseEnv(toolSettingsEnv, env);
  try {
    new EgressPolicy(e.HTTP_TOOL_ALLOW);
  } catch {
    throw new ConfigError(
      'HTTP_TOOL_ALLOW',
      'host names, *.domain patterns, addresses or CIDRs',
      env.HTTP_TOOL_ALLOW,
    );
  }
  return {
    python: {
      bin: e.PYTHON_BIN,
      uid: e.PYTHON_STEP_UID,
      gid: e.PYTHON_STEP_GID,
      uidCount: e.PYTHON_STEP_UID_COUNT,
      lockDir: e.PYTHON_STEP_LOCK_DIR,
      cpuSeconds: e.PYTHON_STEP_CPU_SECONDS,
      memoryBytes: e.PYTHON_STEP_MEMORY_BYTES,
      maxOutputBytes: e.PYTHON_STEP_MAX_OUTPUT_BYTES,
      maxProcesses: e.PYTHON_STEP_MAX_PROCESSES,
      maxFileBytes: e.PYTHON_STEP_MAX_FILE_BYTES,
      maxOpenFiles: e.PYTHON_STEP_MAX_OPEN_FILES,
      wallSeconds: e.PYTHON_STEP_WALL_SECONDS,
    },
    http: {
      allow: e.HTTP_TOOL_ALLOW,
      timeoutMs: e.HTTP_TOOL_TIMEOUT_MS,
      maxResponseBytes: e.HTTP_TOOL_MAX_RESPONSE_BYTES,
      maxRedirects: e.HTTP_TOOL_MAX_REDIRECTS,
    },
    postgres: {
      statementTimeoutMs: e.POSTGRES_TOOL_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.POSTGRES_TOOL_CONNECT_TIMEOUT_MS,
      maxRows: e.POSTGRES_TOOL_MAX_ROWS,
    },
  };
}
