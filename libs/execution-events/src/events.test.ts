import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type TestNats } from '@switchyard/testing';
import {
  createEventPublisher,
  deriveExecutionStatus,
  ensureExecutionStream,
  executionIdFromSubject,
  executionSubject,
  executionSubjectsWildcard,
  subscribeExecutionEvents,
  waitForTerminalEvent,
  type ExecutionEvent,
  type ExecutionEventType,
  type ExecutionStatus,
} from './index.js';

function makeEvents(executionId: string, count: number): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const last = seq === count;
    const type: ExecutionEventType =
      seq === 1 ? 'playbook.initialized' : last ? 'playbook.completed' : 'step.enter';
    const status: ExecutionStatus = seq === 1 ? 'INITIALIZED' : last ? 'COMPLETED' : 'RUNNING';
    events.push({
      eventId: randomUUID(),
      executionId,
      seq,
      type,
      status,
      step: last || seq === 1 ? undefined : `s${seq}`,
      timestamp: new Date().toISOString(),
      ...(last ? { result: { ok: true } } : {}),
    });
  }
  return events;
}

async function collect(it: AsyncIterable<ExecutionEvent>): Promise<ExecutionEvent[]> {
  const out: ExecutionEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('subjects and status', () => {
  it('builds and parses subjects with a configurable prefix', () => {
    expect(executionSubject('42')).toBe('playbooks.executions.42.events');
    expect(executionSubject('42', 'acme.runs')).toBe('acme.runs.42.events');
    expect(executionSubjectsWildcard()).toBe('playbooks.executions.*.events');
    expect(executionIdFromSubject('playbooks.executions.42.events')).toBe('42');
    expect(executionIdFromSubject('other.42.events')).toBeUndefined();
    expect(() => executionSubject('a.b')).toThrow(/Invalid execution id/);
    expect(() => executionSubject('1', 'bad prefix')).toThrow(/Invalid subject prefix/);
  });

  it('derives status forward-only', () => {
    expect(deriveExecutionStatus([{ status: 'INITIALIZED' }, { status: 'RUNNING' }])).toBe('RUNNING');
    expect(deriveExecutionStatus([{ status: 'RUNNING' }, { status: 'INITIALIZED' }])).toBe('RUNNING');
    expect(deriveExecutionStatus([{ status: 'CANCELLED' }, { status: 'COMPLETED' }])).toBe('CANCELLED');
    expect(deriveExecutionStatus([])).toBeUndefined();
  });
});

describe('JetStream publish and subscribe', () => {
  let nats: TestNats;
  let nc: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    await ensureExecutionStream(nc, { storage: 'file' });
    // Idempotent.
    await ensureExecutionStream(nc);
  });

  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('replays a finished execution from seq 1 and completes after the terminal event', async () => {
    const id = `ex${Date.now()}a`;
    const events = makeEvents(id, 5);
    const publisher = createEventPublisher(nc);
    for (const e of events) await publisher.publish(e);
    const got = await collect(subscribeExecutionEvents(nc, id));
    expect(got).toEqual(events);
  });

  it('drops duplicates by Nats-Msg-Id and starts at fromSeq', async () => {
    const id = `ex${Date.now()}b`;
    const events = makeEvents(id, 6);
    const publisher = createEventPublisher(nc);
    for (const e of events) {
      const ack = await publisher.publish(e);
      expect(ack.duplicate).toBe(false);
    }
    const again = await publisher.publish(events[2]!);
    expect(again.duplicate).toBe(true);
    const got = await collect(subscribeExecutionEvents(nc, id, { fromSeq: 4 }));
    expect(got.map((e) => e.seq)).toEqual([4, 5, 6]);
    // fromSeq past the terminal event completes at once.
    expect(await collect(subscribeExecutionEvents(nc, id, { fromSeq: 99 }))).toEqual([]);
  });

  it('delivers live events to a subscriber that started first, and waits for the terminal one', async () => {
    const id = `ex${Date.now()}c`;
    const events = makeEvents(id, 8);
    const publisher = createEventPublisher(nc);
    const received = collect(subscribeExecutionEvents(nc, id));
    const terminal = waitForTerminalEvent(nc, id, { timeoutMs: 20_000 });
    for (const e of events) await publisher.publish(e);
    expect((await received).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await terminal).type).toBe('playbook.completed');
  });

  it('stops when aborted', async () => {
    const id = `ex${Date.now()}d`;
    const publisher = createEventPublisher(nc);
    const events = makeEvents(id, 4);
    await publisher.publish(events[0]!);
    const controller = new AbortController();
    const got: ExecutionEvent[] = [];
    const done = (async () => {
      for await (const e of subscribeExecutionEvents(nc, id, { signal: controller.signal })) {
        got.push(e);
        controller.abort();
      }
    })();
    await done;
    expect(got.map((e) => e.seq)).toEqual([1]);
    await expect(waitForTerminalEvent(nc, id, { timeoutMs: 300 })).rejects.toThrow(/did not finish/);
  });

  it('creates the stream when a subscriber arrives before any publisher', async () => {
    const prefix = 'other.runs.';
    const stream = 'OTHER_RUNS';
    const id = `ex${Date.now()}f`;
    const received = collect(subscribeExecutionEvents(nc, id, { prefix, stream }));
    const publisher = createEventPublisher(nc, { prefix });
    const events = makeEvents(id, 3);
    // The stream exists once the subscriber is set up; publish until it is.
    for (const e of events) {
      for (let attempt = 0; ; attempt++) {
        try {
          await publisher.publish(e);
          break;
        } catch (error) {
          if (attempt > 50) throw error;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    expect((await received).map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  it('resumes after a NATS restart without losing or repeating events', async () => {
    const id = `ex${Date.now()}e`;
    const events = makeEvents(id, 10);
    const publisher = createEventPublisher(nc);
    const got: ExecutionEvent[] = [];
    let firstFive!: () => void;
    const sawFive = new Promise<void>((r) => (firstFive = r));
    const done = (async () => {
      for await (const e of subscribeExecutionEvents(nc, id, { expiresMs: 2_000 })) {
        got.push(e);
        if (e.seq === 5) firstFive();
      }
    })();
    for (const e of events.slice(0, 5)) await publisher.publish(e);
    await sawFive;
    await nats.pause();
    await nats.resume();
    // Publish the rest once the client is back; retry while it reconnects.
    for (const e of events.slice(5)) {
      for (let attempt = 0; ; attempt++) {
        try {
          await publisher.publish(e);
          break;
        } catch (error) {
          if (attempt > 100) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
    await done;
    expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  }, 60_000);
});
