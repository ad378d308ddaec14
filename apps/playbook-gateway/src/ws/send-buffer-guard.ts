/** The close code sent to a client that does not read its socket fast enough (see docs/playbook-gateway.md). */
export const SLOW_CONSUMER_CLOSE_CODE = 4413;

/** The part of a `ws` WebSocket the guard needs. */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

/** The net.Socket under a `ws` WebSocket (not part of ws's typed API). */
interface RawSocketHolder {
  _socket?: { writableLength?: number } | null;
}

/**
 * Bytes queued for a client and not yet taken by the kernel: what `ws` counts as buffered (its own queue plus the
 * writable buffer of the TCP socket), or the TCP socket's writable length when that is larger.
 */
export function pendingBytes(socket: BufferedSocket): number {
  const raw = (socket as unknown as RawSocketHolder)._socket;
  return Math.max(socket.bufferedAmount, raw?.writableLength ?? 0);
}

export type SlowReason = 'buffer' | 'stall';

export interface SlowClientPolicy {
  maxBufferedBytes: number;
  /** A client whose send buffer has stayed non-empty this long is disconnected. */
  stallMs: number;
  /** How long a close frame may take to get through before the TCP connection is dropped. */
  closeGraceMs?: number;
  onSlow?: (reason: SlowReason, pending: number) => void;
}

const CLOSING = 2;

/**
 * Ends a slow client's connection: a close frame with {@link SLOW_CONSUMER_CLOSE_CODE} is queued (it reaches a
 * client that resumes reading), and the TCP connection is dropped if the socket is not closed within the grace.
 */
export function disconnectSlowClient(socket: BufferedSocket, reason: SlowReason, graceMs = 1_000): void {
  if (socket.readyState >= CLOSING) return;
  socket.close(
    SLOW_CONSUMER_CLOSE_CODE,
    reason === 'buffer' ? 'Slow consumer: send buffer limit exceeded' : 'Slow consumer: send buffer stalled',
  );
  const timer = setTimeout(() => socket.terminate(), graceMs);
  timer.unref();
}

/** Disconnects the client when more than `maxBufferedBytes` are queued for it; returns whether it did. */
export function enforceSendBuffer(socket: BufferedSocket, policy: SlowClientPolicy): boolean {
  if (socket.readyState >= CLOSING) return true;
  const pending = pendingBytes(socket);
  if (pending <= policy.maxBufferedBytes) return false;
  policy.onSlow?.('buffer', pending);
  disconnectSlowClient(socket, 'buffer', policy.closeGraceMs);
  return true;
}

/**
 * A periodic sweep over every client: one over the buffer limit, or whose buffer has not once been empty for
 * `stallMs`, is disconnected. A client that keeps up empties its buffer between messages.
 */
export function watchSendStalls(
  server: { clients: Set<BufferedSocket> },
  policy: SlowClientPolicy,
  now: () => number = Date.now,
): { stop(): void; sweep(): void } {
  const busySince = new Map<BufferedSocket, number>();
  const sweep = () => {
    const at = now();
    for (const [socket] of busySince) if (!server.clients.has(socket)) busySince.delete(socket);
    for (const socket of server.clients) {
      if (socket.readyState >= CLOSING) {
        busySince.delete(socket);
        continue;
      }
      if (enforceSendBuffer(socket, policy)) {
        busySince.delete(socket);
        continue;
      }
      const pending = pendingBytes(socket);
      if (pending === 0) {
        busySince.delete(socket);
        continue;
      }
      const since = busySince.get(socket);
      if (since === undefined) busySince.set(socket, at);
      else if (at - since >= policy.stallMs) {
        busySince.delete(socket);
        policy.onSlow?.('stall', pending);
        disconnectSlowClient(socket, 'stall', policy.closeGraceMs);
      }
    }
  };
  const timer = setInterval(sweep, Math.max(50, Math.min(1_000, Math.floor(policy.stallMs / 4))));
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
