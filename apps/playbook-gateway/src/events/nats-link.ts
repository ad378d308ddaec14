import { connectNats, redactNatsUrl, type NatsConnection } from '@switchyard/execution-events';
import type { Logger } from '@switchyard/service-kit';
import { UpstreamError } from '../errors.js';

/** The gateway's NATS connection, opened in the background so that the gateway starts without NATS. */
export interface NatsLink {
  readonly connected: boolean;
  /** The connection while it is up; throws EVENTS_UNAVAILABLE otherwise. */
  require(): NatsConnection;
  /** Resolves once the first connection is up (or rejects after timeoutMs). */
  ready(timeoutMs: number): Promise<NatsConnection>;
  close(): Promise<void>;
}

export function linkNats(url: string, logger: Logger, name = 'playbook-gateway'): NatsLink {
  let nc: NatsConnection | undefined;
  let connected = false;
  let closed = false;
  let resolveFirst!: (c: NatsConnection) => void;
  const first = new Promise<NatsConnection>((r) => (resolveFirst = r));

  const started = (async () => {
    // waitOnFirstConnect keeps retrying until NATS answers; the gateway serves meanwhile.
    try {
      nc = await connectNats(url, { name, waitOnFirstConnect: true, pingInterval: 10_000 });
    } catch (error) {
      logger.error({ err: error }, 'cannot connect to NATS');
      return;
    }
    if (closed) {
      await nc.close();
      return;
    }
    connected = true;
    resolveFirst(nc);
    logger.info({ url: redactNatsUrl(url) }, 'connected to NATS');
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        logger.warn('NATS connection lost; reconnecting');
      } else if (status.type === 'reconnect') {
        connected = true;
        logger.info('NATS connection restored');
      }
    }
  })();

  return {
    get connected() {
      return connected && !!nc && !nc.isClosed();
    },
    require() {
      if (!nc || nc.isClosed())
        throw new UpstreamError('EVENTS_UNAVAILABLE', 'The execution event feed (NATS) is unavailable');
      return nc;
    },
    async ready(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          first,
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(new UpstreamError('EVENTS_UNAVAILABLE', `NATS did not answer within ${timeoutMs} ms`)),
              timeoutMs,
            );
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      if (!nc) return; // still trying to connect: the attempt closes itself once it succeeds
      if (!nc.isClosed()) await nc.drain().catch(() => nc?.close());
      await started.catch(() => undefined);
    },
  };
}
