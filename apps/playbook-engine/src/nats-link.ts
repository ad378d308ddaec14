import {
  connectNats,
  createEventPublisher,
  ensureExecutionStream,
  type NatsConnection,
} from '@switchyard/execution-events';
import type { Logger } from '@switchyard/service-kit';
import type { Outbox } from './outbox.js';

export interface NatsLink {
  readonly state: 'connected' | 'disconnected' | 'disabled';
  readonly connection: NatsConnection | undefined;
  close(): Promise<void>;
}

/**
 * Connects to NATS in the background (the engine starts without it), makes sure the stream exists,
 * and hands the outbox a publisher; after every reconnect the outbox is kicked to flush what piled up.
 */
export function linkNats(options: {
  url: string | undefined;
  prefix: string;
  outbox: Outbox;
  logger: Logger;
  /** Called once, after the first successful connection and stream setup. */
  onReady?: (nc: NatsConnection) => Promise<void>;
}): NatsLink {
  if (!options.url) {
    return { state: 'disabled', connection: undefined, close: async () => undefined };
  }
  const url = options.url;
  let nc: NatsConnection | undefined;
  let state: 'connected' | 'disconnected' = 'disconnected';
  let closed = false;
  const { outbox, logger } = options;

  const prepare = async (conn: NatsConnection) => {
    for (let attempt = 0; !closed; attempt++) {
      try {
        await ensureExecutionStream(conn, { prefix: options.prefix });
        outbox.setPublisher(createEventPublisher(conn, { prefix: options.prefix }), conn);
        return;
      } catch (error) {
        if (attempt % 20 === 0)
          logger.warn({ err: error }, 'cannot set up the execution events stream yet; retrying');
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };

  const ready = (async () => {
    try {
      nc = await connectNats(url, {
        name: 'playbook-engine',
        waitOnFirstConnect: true,
        pingInterval: 10_000,
      });
    } catch (error) {
      logger.error({ err: error }, 'cannot connect to NATS');
      return;
    }
    if (closed) {
      await nc.close();
      return;
    }
    logger.info({ url: options.url }, 'connected to NATS');
    await prepare(nc);
    if (options.onReady && !closed) {
      await options.onReady(nc).catch((error: unknown) => logger.error({ err: error }, 'NATS setup failed'));
    }
    state = 'connected';
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        state = 'disconnected';
        logger.warn('NATS disconnected; events stay in the outbox until it is back');
      } else if (status.type === 'reconnect') {
        logger.info('NATS reconnected; flushing the outbox');
        const conn = nc;
        void prepare(conn).then(() => {
          if (!conn.isClosed()) state = 'connected';
          outbox.kick();
        });
      }
    }
  })();

  return {
    get state() {
      return state;
    },
    get connection() {
      return nc;
    },
    async close() {
      closed = true;
      outbox.setPublisher(undefined);
      if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
      await Promise.race([ready, new Promise((r) => setTimeout(r, 1_000))]);
    },
  };
}
