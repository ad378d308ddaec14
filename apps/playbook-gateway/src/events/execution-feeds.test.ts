import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  createEventPublisher,
  ensureExecutionStream,
  type ExecutionEvent,
} from '@switchyard/execution-events';
import { startNats, type TestNats } from '@switchyard/testing';
import { ExecutionFeeds } from './execution-feeds.js';

function events(executionId: string, count: number): ExecutionEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = i + 1;
    const last = seq === count;
    return {
      eventId: randomUUID(),
      executionId,
      seq,
      type: seq === 1 ? 'playbook.initialized' : last ? 'playbook.completed' : 'step.enter',
      status: seq === 1 ? 'INITIALIZED' : last ? 'COMPLETED' : 'RUNNING',
      timestamp: new Date().toISOString(),
    } satisfies ExecutionEvent;
  });
}

async function drain(it: AsyncIterable<ExecutionEvent>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const e of it) seqs.push(e.seq);
  return seqs;
}

describe('ExecutionFeeds (real NATS)', () => {
  let nats: TestNats;
  let nc: NatsConnection;
  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
    await ensureExecutionStream(nc, { storage: 'memory' });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('shares one read between subscribers that start at different seqs, live and late', async () => {
    const feeds = new ExecutionFeeds({
      nats: () => nc,
      subjectPrefix: 'playbooks.executions.',
      maxBufferedEvents: 1_000,
      maxBufferedBytes: 16 * 1_048_576,
    });
    const id = `feed${Date.now()}`;
    const all = events(id, 12);
    const publisher = createEventPublisher(nc);
    for (const e of all.slice(0, 4)) await publisher.publish(e);
    const signal = new AbortController().signal;
    const subscribers = [1, 1, 3, 10].map((from) => drain(feeds.events(id, from, signal)));
    expect(feeds.size).toBe(1);
    for (const e of all.slice(4)) await publisher.publish(e);
    const got = await Promise.all(subscribers);
    expect(got[0]).toEqual(all.map((e) => e.seq));
    expect(got[1]).toEqual(all.map((e) => e.seq));
    expect(got[2]).toEqual(all.slice(2).map((e) => e.seq));
    expect(got[3]).toEqual([10, 11, 12]);
    expect(feeds.size).toBe(0);
    // After the run: a late subscriber replays from JetStream.
    expect(await drain(feeds.events(id, 1, signal))).toEqual(all.map((e) => e.seq));
  });

  it('reads events older than a small buffer straight from JetStream', async () => {
    const feeds = new ExecutionFeeds({
      nats: () => nc,
      subjectPrefix: 'playbooks.executions.',
      maxBufferedEvents: 10,
      maxBufferedBytes: 16 * 1_048_576,
    });
    const id = `feedsmall${Date.now()}`;
    const all = events(id, 30);
    const publisher = createEventPublisher(nc);
    for (const e of all.slice(0, 29)) await publisher.publish(e);
    const controller = new AbortController();
    // The first subscriber keeps the feed open while it fills past its buffer.
    const first: number[] = [];
    const firstDone = (async () => {
      for await (const e of feeds.events(id, 1, controller.signal)) first.push(e.seq);
    })();
    await new Promise<void>((resolve) => {
      const check = () => (first.length >= 29 ? resolve() : setTimeout(check, 20));
      check();
    });
    const late = drain(feeds.events(id, 2, controller.signal));
    await publisher.publish(all[29]!);
    expect(await late).toEqual(all.slice(1).map((e) => e.seq));
    await firstDone;
    expect(first).toEqual(all.map((e) => e.seq));
  });

  it('closes the shared read when the last subscriber stops', async () => {
    const feeds = new ExecutionFeeds({
      nats: () => nc,
      subjectPrefix: 'playbooks.executions.',
      maxBufferedEvents: 100,
      maxBufferedBytes: 16 * 1_048_576,
    });
    const id = `feedstop${Date.now()}`;
    await createEventPublisher(nc).publish(events(id, 3)[0]!);
    const controller = new AbortController();
    const seen: number[] = [];
    const done = (async () => {
      for await (const e of feeds.events(id, 1, controller.signal)) {
        seen.push(e.seq);
        controller.abort();
      }
    })();
    await done;
    expect(seen).toEqual([1]);
    expect(feeds.size).toBe(0);
  });
});
