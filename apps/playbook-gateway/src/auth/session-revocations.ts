import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { Logger } from '@switchyard/service-kit';
import type { NatsLink } from '../events/nats-link.js';

/** What a revocation message carries: the SHA-256 hex of the session token, never the token. */
export const revocationMessageSchema = z.object({
  token_hash: z.string().regex(/^[0-9a-f]{64}$/),
  revoked_at: z.string().optional(),
});
export type RevocationMessage = z.infer<typeof revocationMessageSchema>;

/** Announces a revoked session to every gateway replica (core NATS: replicas that are up get it at once). */
export function publishRevocation(nc: NatsConnection, subject: string, tokenHash: string): void {
  const message: RevocationMessage = { token_hash: tokenHash, revoked_at: new Date().toISOString() };
  nc.publish(subject, JSON.stringify(message));
}

/**
 * Listens for revocations on `subject` for as long as the link lives, subscribing once NATS is first up
 * (the NATS client keeps the subscription across reconnects). Malformed messages are logged and skipped.
 */
export function listenForRevocations(options: {
  nats: NatsLink;
  subject: string;
  logger: Logger;
  onRevoked: (tokenHash: string) => void;
}): { ready: Promise<void>; stop(): void } {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  void (async () => {
    let nc: NatsConnection | undefined;
    while (!stopped && !nc) {
      try {
        nc = await options.nats.ready(5_000);
      } catch {
        // NATS is not up yet; keep waiting while the gateway serves.
      }
    }
    if (stopped || !nc) return;
    const sub = nc.subscribe(options.subject);
    unsubscribe = () => sub.unsubscribe();
    markReady();
    for await (const msg of sub) {
      let parsed;
      try {
        parsed = revocationMessageSchema.safeParse(msg.json());
      } catch {
        parsed = undefined;
      }
      if (!parsed?.success) {
        options.logger.warn({ subject: options.subject }, 'ignoring a malformed session revocation');
        continue;
      }
      options.onRevoked(parsed.data.token_hash);
    }
  })().catch((error: unknown) => options.logger.error({ err: error }, 'session revocation listener failed'));
  return {
    ready,
    stop() {
      stopped = true;
      try {
        unsubscribe?.();
      } catch {
        // the connection is already closed
      }
    },
  };
}
