import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldServer {
  url: string;
  /** Resolves when the first request has arrived (and is being held). */
  requested: Promise<void>;
  /** Answers every held request (and every later one at once) with 200 `{ ok: true }`. */
  release(): void;
  close(): Promise<void>;
}

/** A real HTTP server that holds requests until released: it keeps a playbook's http step running. */
export async function startHoldServer(): Promise<HoldServer> {
  const held: ServerResponse[] = [];
  let released = false;
  let markRequested!: () => void;
  const requested = new Promise<void>((r) => (markRequested = r));
  const answer = (res: ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  const server = createServer((_req, res) => {
    markRequested();
    if (released) answer(res);
    else held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hold`,
    requested,
    release() {
      released = true;
      for (const res of held.splice(0)) answer(res);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
