import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, StorageType, type StreamInfo } from '@nats-io/jetstream';
import { EXECUTION_STREAM, executionSubjectsWildcard } from './subjects.js';

export interface ExecutionStreamOptions {
  /** Subject prefix; default `playbooks.executions.`. */
  prefix?: string;
  /** Stream name; default `PLAYBOOK_EXECUTIONS`. */
  name?: string;
  /** Keep events this long (ms); 0 keeps them until limits apply. Default 7 days. */
  maxAgeMs?: number;
  /** Window (ms) in which a repeated Nats-Msg-Id is dropped as a duplicate. Default 10 minutes. */
  duplicateWindowMs?: number;
  storage?: 'file' | 'memory';
}

const NANOS_PER_MS = 1_000_000;

/**
 * Creates the execution events stream, or adds the subject to an existing stream of that name.
 * Safe to call from every process at start.
 */
export async function ensureExecutionStream(
  nc: NatsConnection,
  options: ExecutionStreamOptions = {},
): Promise<StreamInfo> {
  const jsm = await jetstreamManager(nc);
  const name = options.name ?? EXECUTION_STREAM;
  const subject = executionSubjectsWildcard(options.prefix);
  let existing: StreamInfo | undefined;
  try {
    existing = await jsm.streams.info(name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  if (!existing) {
    try {
      return await jsm.streams.add({
        name,
        subjects: [subject],
        storage: options.storage === 'memory' ? StorageType.Memory : StorageType.File,
        max_age: (options.maxAgeMs ?? 7 * 24 * 3600 * 1000) * NANOS_PER_MS,
        duplicate_window: (options.duplicateWindowMs ?? 10 * 60 * 1000) * NANOS_PER_MS,
      });
    } catch (error) {
      // Another process may have created it at the same moment.
      existing = await jsm.streams.info(name).catch(() => {
        throw error;
      });
    }
  }
  if (existing.config.subjects?.includes(subject)) return existing;
  return jsm.streams.update(name, { subjects: [...(existing.config.subjects ?? []), subject] });
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; code?: number; message?: string };
  return e?.name === 'StreamNotFoundError' || e?.code === 10059 || /not found/i.test(e?.message ?? '');
}
