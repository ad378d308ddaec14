import { redactSecrets } from '@switchyard/playbook-runtime';
import {
  isTerminalStatus,
  type ExecutionEvent,
  type ExecutionEventType,
  type ExecutionStatus,
} from '@switchyard/execution-events';
import type { ExecutionRecord } from './records.js';
import { iso, whereEquals, type Database } from './database.js';
import { newEventId } from './ids.js';

export interface StoredEventRow {
  id: string;
  event: ExecutionEvent;
  createdAt: string;
}

export interface ReportedEventRow {
  reported: true;
  id: string;
  execution_id: string;
  step: string;
  name: string;
  payload: Record<string, unknown>;
  meta: Record<string, unknown> | null;
  worker_id: string | null;
  createdAt: string;
}

export interface NewEvent {
  type: ExecutionEventType;
  /** The execution status this event moves to; defaults to the current one (at least RUNNING for step events). */
  status?: ExecutionStatus;
  step?: string;
  result?: unknown;
  error?: string;
}

interface ExecutionRow {
  execution_id: string;
  path: string;
  version: number;
  catalog_id: string;
  parent_execution_id: string | null;
  status: ExecutionStatus;
  args: Record<string, unknown>;
  result: unknown;
  error: string | null;
  last_seq: number;
  created_at: unknown;
  started_at: unknown;
  ended_at: unknown;
  created_by: string | null;
}

const COLUMNS = `execution_id, path, version, catalog_id::text AS catalog_id, parent_execution_id, status, args, result,
  error, last_seq, created_at, started_at, ended_at, created_by`;

function toSummary(row: ExecutionRow): ExecutionRecord {
  return {
    execution_id: row.execution_id,
    path: row.path,
    version: Number(row.version),
    catalog_id: row.catalog_id,
    status: row.status,
    parent_execution_id: row.parent_execution_id,
    args: row.args ?? {},
    result: row.result ?? null,
    error: row.error,
    last_seq: Number(row.last_seq),
    created_at: iso(row.created_at)!,
    started_at: iso(row.started_at),
    ended_at: iso(row.ended_at),
    created_by: row.created_by ?? null,
  };
}

/** A result that fits into an event: itself, or `{ truncated, bytes, preview }` when its JSON is too large. */
export function boundedResult(result: unknown, maxBytes: number): unknown {
  const json = JSON.stringify(result ?? null);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes <= maxBytes) return result;
  return { truncated: true, bytes, preview: json.slice(0, 1_000) };
}

/** SQL for a status's rank in the forward-only order (same as statusRank in execution-events). */
const RANK = (expr: string) =>
  `(CASE ${expr} WHEN 'INITIALIZED' THEN 0 WHEN 'PENDING' THEN 1 WHEN 'RUNNING' THEN 2 ELSE 3 END)`;

const DEFAULT_STATUS: Partial<Record<ExecutionEventType, ExecutionStatus>> = {
  'playbook.initialized': 'INITIALIZED',
  'workflow.initialized': 'RUNNING',
  'playbook.completed': 'COMPLETED',
  'workflow.completed': 'RUNNING',
  'playbook.failed': 'FAILED',
  'execution.cancelled': 'CANCELLED',
};

/** Executions and their event log (the source of truth), plus the outbox queries. */
export class ExecutionStore {
  /** Called after an event is committed (the outbox listens). */
  onAppended: (event: ExecutionEvent) => void = () => undefined;

  /**
   * @param maxResultBytes an event's `result` larger than this (as JSON) is replaced by a preview, so that events
   *   stay far below the NATS message size limit; the step still sees the full value.
   */
  constructor(
    private readonly db: Database,
    private readonly maxResultBytes = 256 * 1024,
  ) {}

  async create(input: {
    executionId: string;
    path: string;
    version: number;
    catalogId: string;
    parentExecutionId: string | null;
    args: Record<string, unknown>;
    /** null: queued for any engine process to claim. */
    owner: string | null;
    leaseMs: number;
    /** The user who started it; a child execution without one takes its parent's. */
    createdBy?: string | null;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO executions (execution_id, path, version, catalog_id, parent_execution_id, status, args, owner, lease_until, created_by)
       VALUES ($1, $2, $3, $4::bigint, $5, 'INITIALIZED', $6::jsonb, $7, now() + ($8::int * interval '1 millisecond'),
         COALESCE($9::text, (SELECT p.created_by FROM executions p WHERE p.execution_id = $5)))`,
      [
        input.executionId,
        input.path,
        input.version,
        input.catalogId,
        input.parentExecutionId,
        JSON.stringify(redactSecrets(input.args)),
        input.owner,
        input.leaseMs,
        input.createdBy ?? null,
      ],
    );
  }

  /**
   * Appends one event: takes the next gap-free seq, moves the status forward only, and records result or
   * error on terminal events. Returns undefined (and writes nothing) when the execution already ended.
   */
  async append(executionId: string, input: NewEvent): Promise<ExecutionEvent | undefined> {
    const proposed = input.status ?? DEFAULT_STATUS[input.type] ?? 'RUNNING';
    const terminal = isTerminalStatus(proposed);
    const eventId = newEventId();
    const timestamp = new Date().toISOString();
    const body: Record<string, unknown> = { eventId, executionId, type: input.type, timestamp };
    if (input.step !== undefined) body.step = input.step;
    // Stored and published results hold redactions, never secrets (session tokens, passwords).
    const stored = input.result === undefined ? undefined : redactSecrets(input.result);
    const eventResult = stored === undefined ? undefined : boundedResult(stored, this.maxResultBytes);
    if (eventResult !== undefined) body.result = eventResult;
    if (input.error !== undefined) body.error = input.error;
    // One statement: the UPDATE locks the execution row, takes the next seq and moves the status forward
    // only (never out of a terminal status); the INSERT writes the event with that seq.
    const rows = await this.db.query<{
      seq: number;
      status: ExecutionStatus;
      parent_execution_id: string | null;
    }>(
      `WITH upd AS (
         UPDATE executions SET
           last_seq = last_seq + 1,
           status = CASE WHEN ${RANK('$2::text')} >= ${RANK('status')} THEN $2::text ELSE status END,
           updated_at = now(),
           started_at = CASE WHEN started_at IS NULL AND ($2::text <> 'INITIALIZED' OR status <> 'INITIALIZED') THEN now() ELSE started_at END,
           ended_at = CASE WHEN $3::boolean THEN now() ELSE ended_at END,
           result = CASE WHEN $3::boolean AND $4::jsonb IS NOT NULL THEN $4::jsonb ELSE result END,
           error = CASE WHEN $3::boolean AND $5::text IS NOT NULL THEN $5::text ELSE error END,
           lease_until = CASE WHEN $3::boolean THEN NULL ELSE lease_until END
         WHERE execution_id = $1 AND status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')
         RETURNING last_seq, status, parent_execution_id
       )
       INSERT INTO events (event_id, execution_id, seq, type, status, step, payload)
       SELECT $6, $1, upd.last_seq, $7, upd.status, $8,
         $9::jsonb || jsonb_build_object('seq', upd.last_seq, 'status', upd.status)
           || CASE WHEN upd.parent_execution_id IS NULL THEN '{}'::jsonb
              ELSE jsonb_build_object('parentExecutionId', upd.parent_execution_id) END
       FROM upd
       RETURNING seq, status, (SELECT parent_execution_id FROM upd) AS parent_execution_id`,
      [
        executionId,
        proposed,
        terminal,
        terminal && stored !== undefined ? JSON.stringify(stored ?? null) : null,
        terminal ? (input.error ?? null) : null,
        eventId,
        input.type,
        input.step ?? null,
        JSON.stringify(body),
      ],
    );
    const row = rows[0];
    if (!row) return undefined;
    const event: ExecutionEvent = {
      eventId,
      executionId,
      ...(row.parent_execution_id ? { parentExecutionId: row.parent_execution_id } : {}),
      seq: Number(row.seq),
      type: input.type,
      status: row.status,
      ...(input.step !== undefined ? { step: input.step } : {}),
      timestamp,
      ...(eventResult !== undefined ? { result: eventResult } : {}),
      ...(input.error !== undefined ? { error: input.error } : {}),
    };
    this.onAppended(event);
    return event;
  }

  async get(executionId: string): Promise<ExecutionRecord | undefined> {
    const rows = await this.db.query<ExecutionRow>(
      `SELECT ${COLUMNS} FROM executions WHERE execution_id = $1`,
      [executionId],
    );
    return rows[0] && toSummary(rows[0]);
  }

  /** Several executions by id, in one query; unknown ids are left out. */
  async getMany(executionIds: string[]): Promise<ExecutionRecord[]> {
    if (executionIds.length === 0) return [];
    const rows = await this.db.query<ExecutionRow>(
      `SELECT ${COLUMNS} FROM executions WHERE execution_id = ANY($1::text[])`,
      [executionIds],
    );
    return rows.map(toSummary);
  }

  /** Every event of several executions, in one query, grouped by execution id in seq order. */
  async eventsOfMany(executionIds: string[]): Promise<Map<string, ExecutionEvent[]>> {
    const byExecution = new Map<string, ExecutionEvent[]>(executionIds.map((id) => [id, []]));
    if (executionIds.length === 0) return byExecution;
    const rows = await this.db.query<{ execution_id: string; payload: ExecutionEvent }>(
      'SELECT execution_id, payload FROM events WHERE execution_id = ANY($1::text[]) ORDER BY execution_id, seq',
      [executionIds],
    );
    for (const row of rows) byExecution.get(row.execution_id)?.push(row.payload);
    return byExecution;
  }

  async list(filter: {
    status?: ExecutionStatus;
    path?: string;
    parentExecutionId?: string;
    /** Only executions this user started (lists and counts of a caller who may not see everyone's). */
    createdBy?: string;
    limit: number;
    offset: number;
  }): Promise<{ executions: ExecutionRecord[]; total: number }> {
    const { clause, params } = whereEquals({
      status: filter.status,
      path: filter.path,
      parent_execution_id: filter.parentExecutionId,
      created_by: filter.createdBy,
    });
    const total = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM executions ${clause}`,
      params,
    );
    const rows = await this.db.query<ExecutionRow>(
      `SELECT ${COLUMNS} FROM executions ${clause} ORDER BY created_at DESC, execution_id DESC
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    );
    return { executions: rows.map(toSummary), total: Number(total[0]?.n ?? 0) };
  }

  async events(executionId: string, fromSeq = 1): Promise<ExecutionEvent[]> {
    const rows = await this.db.query<{ payload: ExecutionEvent }>(
      'SELECT payload FROM events WHERE execution_id = $1 AND seq >= $2 ORDER BY seq',
      [executionId, fromSeq],
    );
    return rows.map((r) => r.payload);
  }

  /** An execution's events with their numeric ids and storage times (NoETL's event rows are built from them). */
  async eventRows(executionId: string): Promise<StoredEventRow[]> {
    const rows = await this.db.query<{ id: string | number; payload: ExecutionEvent; created_at: unknown }>(
      'SELECT id, payload, created_at FROM events WHERE execution_id = $1 ORDER BY seq',
      [executionId],
    );
    return rows.map((r) => ({ id: String(r.id), event: r.payload, createdAt: iso(r.created_at)! }));
  }

  /** One event by its numeric id: an execution event, or a worker event reported through the REST API. */
  async eventById(id: string): Promise<StoredEventRow | ReportedEventRow | undefined> {
    const events = await this.db.query<{ id: string | number; payload: ExecutionEvent; created_at: unknown }>(
      'SELECT id, payload, created_at FROM events WHERE id = $1::bigint',
      [id],
    );
    if (events[0])
      return { id: String(events[0].id), event: events[0].payload, createdAt: iso(events[0].created_at)! };
    const reported = await this.db.query<
      Omit<ReportedEventRow, 'reported' | 'createdAt'> & { created_at: unknown }
    >(
      'SELECT id::text AS id, execution_id, step, name, payload, meta, worker_id, created_at FROM reported_events WHERE id = $1::bigint',
      [id],
    );
    const row = reported[0];
    return row && { ...row, id: String(row.id), reported: true, createdAt: iso(row.created_at)! };
  }

  /** Records a worker event sent to `POST /api/events`; it is kept apart from the execution's own events. */
  async report(input: {
    executionId: string;
    step: string;
    name: string;
    payload: Record<string, unknown>;
    meta: Record<string, unknown> | null;
    workerId: string | null;
  }): Promise<string> {
    const rows = await this.db.query<{ id: string | number }>(
      `INSERT INTO reported_events (execution_id, step, name, payload, meta, worker_id)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6) RETURNING id`,
      [
        input.executionId,
        input.step,
        input.name,
        JSON.stringify(redactSecrets(input.payload)),
        input.meta ? JSON.stringify(input.meta) : null,
        input.workerId,
      ],
    );
    return String(rows[0]!.id);
  }

  /** Ids of every descendant execution (children, grandchildren, ...). */
  async descendants(executionId: string): Promise<string[]> {
    const rows = await this.db.query<{ execution_id: string }>(
      `WITH RECURSIVE tree AS (
         SELECT execution_id FROM executions WHERE parent_execution_id = $1
         UNION ALL
         SELECT e.execution_id FROM executions e JOIN tree t ON e.parent_execution_id = t.execution_id
       ) SELECT execution_id FROM tree`,
      [executionId],
    );
    return rows.map((r) => r.execution_id);
  }

  /** Claims a queued execution for this process; false when another process (or recovery) has it. */
  async claim(executionId: string, owner: string, leaseMs: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE executions SET owner = $2, lease_until = now() + ($3::int * interval '1 millisecond')
       WHERE execution_id = $1 AND owner IS NULL AND status = 'INITIALIZED' RETURNING execution_id`,
      [executionId, owner, leaseMs],
    );
    return rows.length > 0;
  }

  /** Extends the lease of executions this process runs; returns those that have ended meanwhile. */
  async renewLeases(
    owner: string,
    ids: string[],
    leaseMs: number,
  ): Promise<Array<{ execution_id: string; status: ExecutionStatus }>> {
    if (ids.length === 0) return [];
    return this.db.query(
      `UPDATE executions SET lease_until = CASE WHEN status IN ('COMPLETED','FAILED','CANCELLED') THEN NULL
         ELSE now() + ($3::int * interval '1 millisecond') END, owner = $1
       WHERE execution_id = ANY($2::text[]) RETURNING execution_id, status`,
      [owner, ids, leaseMs],
    );
  }

  /** Releases leases so that another engine process can recover these executions at once. */
  async releaseLeases(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE executions SET lease_until = now() - interval '1 second' WHERE execution_id = ANY($1::text[])
         AND status NOT IN ('COMPLETED','FAILED','CANCELLED')`,
      [ids],
    );
  }

  /**
   * Claims unfinished executions whose owner lost its lease (a crashed or restarted engine).
   * Returns each claimed execution with whether its workflow had started.
   */
  async claimOrphans(
    owner: string,
    leaseMs: number,
    limit = 100,
  ): Promise<Array<{ execution_id: string; status: ExecutionStatus; started: boolean }>> {
    const rows = await this.db.query<{ execution_id: string; status: ExecutionStatus; started: boolean }>(
      `UPDATE executions e SET owner = $1, lease_until = now() + ($2::int * interval '1 millisecond')
       WHERE e.execution_id IN (
         SELECT execution_id FROM executions
         WHERE status IN ('INITIALIZED','PENDING','RUNNING') AND (lease_until IS NULL OR lease_until < now())
         ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING e.execution_id, e.status,
         EXISTS (SELECT 1 FROM events v WHERE v.execution_id = e.execution_id AND v.type = 'workflow.initialized') AS started`,
      [owner, leaseMs, limit],
    );
    return rows;
  }

  /** The outbox: the oldest unpublished events, in write order. */
  async unpublished(limit: number): Promise<Array<{ id: string; event: ExecutionEvent }>> {
    const rows = await this.db.query<{ id: string; payload: ExecutionEvent }>(
      'SELECT id::text AS id, payload FROM events WHERE NOT published ORDER BY id LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ id: r.id, event: r.payload }));
  }

  /** The oldest unpublished events written at least `olderThanMs` ago (the sweep for other writers). */
  async unpublishedOlderThan(
    olderThanMs: number,
    limit: number,
  ): Promise<Array<{ id: string; event: ExecutionEvent }>> {
    const rows = await this.db.query<{ id: string; payload: ExecutionEvent }>(
      `SELECT id::text AS id, payload FROM events WHERE NOT published
         AND created_at < now() - ($1::int * interval '1 millisecond') ORDER BY id LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((r) => ({ id: r.id, event: r.payload }));
  }

  async markPublished(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.db.query(
      'UPDATE events SET published = true WHERE event_id = ANY($1::text[]) AND NOT published',
      [eventIds],
    );
  }

  async countUnpublished(): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM events WHERE NOT published',
    );
    return Number(rows[0]?.n ?? 0);
  }
}
