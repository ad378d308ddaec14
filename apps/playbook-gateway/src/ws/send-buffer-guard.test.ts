import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  enforceSendBuffer,
  pendingBytes,
  SLOW_CONSUMER_CLOSE_CODE,
  watchSendStalls,
  type BufferedSocket,
} from './send-buffer-guard.js';

describe('enforceSendBuffer', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    for (const c of wss?.clients ?? []) c.terminate();
    await new Promise((r) => wss?.close(() => r(undefined)) ?? r(undefined));
  });

  it('closes a real client that stops reading once its send buffer passes the limit', async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => wss!.once('listening', r));
    const port = (wss.address() as AddressInfo).port;
    const serverSide = new Promise<WebSocket>((r) => wss!.once('connection', r));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    await new Promise((r) => client.once('open', r));
    const socket = await serverSide;
    // The client stops reading: the kernel buffers fill, then the TCP socket queues in user space.
    client.pause();

    const limit = 256 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const slow: string[] = [];
    let sent = 0;
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    const policy = {
      maxBufferedBytes: limit,
      stallMs: 60_000,
      closeGraceMs: 100,
      onSlow: (r: string) => slow.push(r),
    };
    // Bounded: at most 64 MB are offered before giving up.
    while (sent < 1024 && !enforceSendBuffer(socket, policy)) {
      socket.send(chunk);
      sent++;
      if (sent % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(pendingBytes(socket)).toBeGreaterThan(limit);
    await closed;
    expect(slow).toEqual(['buffer']);
    expect(socket.readyState).toBe(WebSocket.CLOSED);
    client.terminate();
  });

  it('leaves a client alone while its buffer is within the limit', () => {
    const fake = fakeSocket('ok', 10);
    expect(enforceSendBuffer(fake, { maxBufferedBytes: 10, stallMs: 1_000 })).toBe(false);
    expect(fake.closedWith).toBeUndefined();
  });
});

interface FakeSocket extends BufferedSocket {
  name: string;
  bufferedAmount: number;
  readyState: number;
  closedWith?: number;
}

function fakeSocket(name: string, amount: number): FakeSocket {
  const socket: FakeSocket = {
    name,
    bufferedAmount: amount,
    readyState: 1,
    close(code?: number) {
      socket.closedWith = code;
      socket.readyState = 2;
    },
    terminate() {
      socket.readyState = 3;
    },
  };
  return socket;
}

describe('watchSendStalls', () => {
  it('closes a socket whose buffer has not been empty for the stall time, even while it trickles', () => {
    let now = 0;
    const stuck = fakeSocket('stuck', 100);
    const trickling = fakeSocket('trickling', 100_000);
    const drained = fakeSocket('drained', 1_000);
    const idle = fakeSocket('idle', 0);
    const clients = new Set<FakeSocket>([stuck, trickling, drained, idle]);
    const slow: string[] = [];
    const watch = watchSendStalls(
      { clients },
      {
        maxBufferedBytes: 1_000_000,
        stallMs: 1_000,
        closeGraceMs: 10,
        onSlow: (reason) => slow.push(reason),
      },
      () => now,
    );
    watch.stop(); // driven by hand below
    for (let t = 0; t <= 1_500; t += 250) {
      now = t;
      trickling.bufferedAmount -= 10;
      drained.bufferedAmount = t % 500 === 0 ? 0 : 1_000;
      watch.sweep();
    }
    expect([stuck, trickling, drained, idle].map((s) => s.closedWith)).toEqual([
      SLOW_CONSUMER_CLOSE_CODE,
      SLOW_CONSUMER_CLOSE_CODE,
      undefined,
      undefined,
    ]);
    expect(slow).toEqual(['stall', 'stall']);
  });

  it('closes a socket over the buffer limit on the next sweep', () => {
    const big = fakeSocket('big', 2_000);
    const watch = watchSendStalls({ clients: new Set([big]) }, { maxBufferedBytes: 1_000, stallMs: 60_000 });
    watch.stop();
    watch.sweep();
    expect(big.closedWith).toBe(SLOW_CONSUMER_CLOSE_CODE);
  });
});
