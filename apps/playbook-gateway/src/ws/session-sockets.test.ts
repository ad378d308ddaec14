import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { SessionSockets } from './session-sockets.js';

let server: WebSocketServer | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A real socket server on 127.0.0.1 whose connections are registered under the session named in the URL. */
async function start(sockets: SessionSockets): Promise<number> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket, req) =>
    sockets.add(new URL(req.url!, 'http://x').searchParams.get('s')!, socket),
  );
  await new Promise((resolve) => server!.once('listening', resolve));
  return (server.address() as AddressInfo).port;
}

async function connect(port: number, session: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/?s=${session}`);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, closed };
}

describe('SessionSockets', () => {
  it('closes every connection of one session with the given code and leaves the others open', async () => {
    const sockets = new SessionSockets();
    const port = await start(sockets);
    const a1 = await connect(port, 'a');
    const a2 = await connect(port, 'a');
    const b = await connect(port, 'b');
    await expect.poll(() => sockets.count('a') + sockets.count('b')).toBe(3);

    expect(sockets.close('a', 4401, 'session revoked')).toBe(2);
    expect(await Promise.all([a1.closed, a2.closed])).toEqual([4401, 4401]);
    expect(sockets.count('a')).toBe(0);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
    expect(sockets.close('a', 4401, 'again')).toBe(0);

    b.ws.close();
    await b.closed;
    await expect.poll(() => sockets.count('b')).toBe(0);
  });
});
