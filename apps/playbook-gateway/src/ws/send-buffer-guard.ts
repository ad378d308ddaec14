/** The part of a `ws` WebSocket the guard needs. */
export interface BufferedSocket {
  readonly bufferedAmount: number;
  terminate(): void;
}

/**
 * Disconnects a client that does not read fast enough: when more than `maxBufferedBytes` are queued for it,
 * the socket is terminated (a close frame could not get through a full buffer) and `true` is returned.
 */
export function enforceSendBuffer(
  socket: BufferedSocket,
  maxBufferedBytes: number,
  onSlow?: () => void,
): boolean {
  if (socket.bufferedAmount <= maxBufferedBytes) return false;
  onSlow?.();
  socket.terminate();
  return true;
}

/**
 * Graphql-ws waits for each send to be written before it sends the next payload of a subscription, so a client
 * that stops reading stalls with a non-empty buffer rather than growing it. This sweep disconnects a client whose
 * buffer has been neither empty nor shrinking for `stallMs`.
 */
export function watchSendStalls(
  server: { clients: Set<BufferedSocket> },
  stallMs: number,
  onStalled?: () => void,
  now: () => number = Date.now,
): { stop(): void; sweep(): void } {
  const since = new Map<BufferedSocket, { start: number; amount: number }>();
  const sweep = () => {
    const at = now();
    for (const [socket] of since) if (!server.clients.has(socket)) since.delete(socket);
    for (const socket of server.clients) {
      if (socket.bufferedAmount === 0) {
        since.delete(socket);
        continue;
      }
      const seen = since.get(socket);
      // A buffer that shrinks is draining: the clock starts again.
      if (seen === undefined || socket.bufferedAmount < seen.amount)
        since.set(socket, { start: at, amount: socket.bufferedAmount });
      else if (at - seen.start >= stallMs) {
        since.delete(socket);
        onStalled?.();
        socket.terminate();
      }
    }
  };
  const timer = setInterval(sweep, Math.max(50, Math.min(1_000, Math.floor(stallMs / 4))));
  timer.unref();
  return { stop: () => clearInterval(timer), sweep };
}
