import { jetstreamManager, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ACTION_STATUS_STREAM,
  actionStatusSubject,
  actionStatusWildcard,
  DEFAULT_ACTION_SUBJECT_PREFIX,
} from '@switchyard/engine-client';
import type { OutboxFeed } from '../outbox.js';
import type { ActionStore } from './action-store.js';

const NANOS_PER_MS = 1_000_000;

/** Creates the Action status stream (or adds its subjects to an existing stream of that name). */
export async function ensureActionStream(
  nc: NatsConnection,
  prefix = DEFAULT_ACTION_SUBJECT_PREFIX,
): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const subject = actionStatusWildcard(prefix);
  const existing = await jsm.streams.info(ACTION_STATUS_STREAM).catch(() => undefined);
  if (!existing) {
    try {
      await jsm.streams.add({
        name: ACTION_STATUS_STREAM,
        subjects: [subject],
        storage: StorageType.File,
        max_age: 7 * 24 * 3600 * 1000 * NANOS_PER_MS,
        max_msgs_per_subject: 1_000,
        duplicate_window: 10 * 60 * 1000 * NANOS_PER_MS,
      });
    } catch (error) {
      if (!(await jsm.streams.info(ACTION_STATUS_STREAM).catch(() => undefined))) throw error;
    }
    return;
  }
  if (!existing.config.subjects?.includes(subject))
    await jsm.streams.update(ACTION_STATUS_STREAM, {
      subjects: [...(existing.config.subjects ?? []), subject],
    });
}

/**
 * The Action status log as a feed of the engine's outbox: published in log order, each message once
 * (`Nats-Msg-Id` = `<uid>:<seq>`); rows written while NATS is away go out once a connection is back.
 */
export function actionStatusFeed(store: ActionStore, prefix = DEFAULT_ACTION_SUBJECT_PREFIX): OutboxFeed {
  return {
    name: 'action-status',
    prepare: (nc) => ensureActionStream(nc, prefix),
    async unpublished(limit) {
      const rows = await store.unpublished(limit);
      return rows.map(({ id, message }) => ({
        id,
        subject: actionStatusSubject(message.name, prefix),
        data: JSON.stringify(message),
        msgId: `${message.uid}:${message.seq}`,
      }));
    },
    markPublished: (ids) => store.markPublished(ids),
  };
}
