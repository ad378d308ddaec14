import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { enforceSendBuffer, watchSendStalls } from './send-buffer-guard.js';

describe('enforceSendBuffer', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise((r) => wss?.close(() => r(undefined)) ?? r(undefined));
  });

  it('terminates a real client that stops reading once its send buffer passes the limit', async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss!.once('listening', r));
    const port = (wss.address() as AddressInfo).port;
    const serverSide = new Promise<WebSocket>((r) => wss!.once('connection', r));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((r) => client.once('open', r));
    const socket = await serverSide;
    // The client stops reading: the kernel buffers fill, then ws queues in user space.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();

    const limit = 256 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 1);
    let slow = 0;
    let sent = 0;
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    // Bounded: at most 64 MB are offered before giving up.
    while (sent < 1024 && !enforceSendBuffer(socket, limit, () => slow++)) {
      socket.send(chunk);
      sent++;
      if (sent % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    await closed;
    expect(slow).toBe(1);
    expect(socket.readyState).toBe(WebSocket.CLOSED);
    client.terminate();
  });

  it('leaves a client alone while its buffer is within the limit', () => {
    let terminated = false;
    const fake = { bufferedAmount: 10, terminate: () => (terminated = true) };
    expect(enforceSendBuffer(fake, 10)).toBe(false);
    expect(terminated).toBe(false);
  });
});

describe('watchSendStalls', () => {
  it('terminates a socket whose buffer neither empties nor shrinks for the stall time', () => {
    let now = 0;
    const terminated: string[] = [];
    const socket = (name: string, amount: number) => ({
      name,
      bufferedAmount: amount,
      terminate: () => terminated.push(name),
    });
    const stuck = socket('stuck', 100);
    const draining = socket('draining', 1_000);
    const idle = socket('idle', 0);
    const clients = new Set([stuck, draining, idle]);
    let stalled = 0;
    const watch = watchSendStalls(
      { clients },
      1_000,
      () => stalled++,
      () => now,
    );
    watch.stop(); // driven by hand below
    for (let t = 0; t <= 1_500; t += 250) {
      now = t;
      draining.bufferedAmount -= 10;
      watch.sweep();
    }
    expect(terminated).toEqual(['stuck']);
    expect(stalled).toBe(1);
  });
});
