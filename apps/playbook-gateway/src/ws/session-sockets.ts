import type { WebSocket } from 'ws';

/** The open WebSocket connections of each session (by token hash), so that a revoked session's can be closed. */
export class SessionSockets {
  private readonly bySession = new Map<string, Set<WebSocket>>();

  add(tokenHash: string, socket: WebSocket): void {
    let set = this.bySession.get(tokenHash);
    if (!set) {
      set = new Set();
      this.bySession.set(tokenHash, set);
    }
    set.add(socket);
    socket.once('close', () => {
      const current = this.bySession.get(tokenHash);
      if (!current) return;
      current.delete(socket);
      if (current.size === 0) this.bySession.delete(tokenHash);
    });
  }

  /** Closes every connection of the session with `code`; returns how many were open. */
  close(tokenHash: string, code: number, reason: string): number {
    const set = this.bySession.get(tokenHash);
    if (!set) return 0;
    this.bySession.delete(tokenHash);
    for (const socket of set) socket.close(code, reason);
    return set.size;
  }

  count(tokenHash: string): number {
    return this.bySession.get(tokenHash)?.size ?? 0;
  }
}
