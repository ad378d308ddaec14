import { randomUUID } from 'node:crypto';
import type {
  Action,
  ActionPhase,
  ActionStatusMessage,
  TypeInstance,
  TypeInstanceRef,
} from '@switchyard/engine-client';
import { iso, whereEquals, type Database, type Queryable } from '../storage/database.js';
import { ActionExistsError, ActionNotFoundError, InvalidActionStateError } from './errors.js';

/** Engine-side state of an Action that the API does not show. */
export interface ActionInternal {
  /** Bumped by every update, so a rendering of older input cannot land. */
  generation: number;
  /** Advanced iterations answered so far. */
  iteration: number;
  /** The node of the rendered tree the current advanced iteration asks about. */
  nodeKey: string | null;
  /** TypeInstances chosen in advanced iterations, by node key. */
  supplied: Record<string, TypeInstanceRef[]>;
}

export interface StoredAction {
  action: Action;
  internal: ActionInternal;
}

interface Row {
  document: Action;
  internal: ActionInternal;
}

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function fromRow(row: Row): StoredAction {
  return { action: parseJson<Action>(row.document), internal: parseJson<ActionInternal>(row.internal) };
}

/**
 * Actions, their status log (one row per phase change, the outbox for NATS) and TypeInstances.
 * A change and its log row are written in one transaction.
 */
export class ActionStore {
  /**
   * @param onLogged called after a phase change and its log row were committed (the outbox publishes then).
   */
  constructor(
    private readonly db: Database,
    private readonly onLogged: () => void = () => undefined,
  ) {}

  private async log(tx: Queryable, action: Action): Promise<void> {
    const message: ActionStatusMessage = {
      uid: action.uid,
      name: action.name,
      seq: action.statusSeq,
      action,
    };
    await tx.query('INSERT INTO action_status_log (uid, name, seq, payload) VALUES ($1, $2, $3, $4::jsonb)', [
      action.uid,
      action.name,
      action.statusSeq,
      JSON.stringify(message),
    ]);
  }

  async insert(action: Action, internal: ActionInternal): Promise<Action> {
    try {
      await this.db.transaction(async (tx) => {
        const existing = await tx.query('SELECT 1 FROM actions WHERE name = $1', [action.name]);
        if (existing.length) throw new ActionExistsError(action.name);
        await tx.query(
          `INSERT INTO actions (name, uid, phase, path, document, internal, created_by)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)`,
          [
            action.name,
            action.uid,
            action.status.phase,
            action.actionRef.path,
            JSON.stringify(action),
            JSON.stringify(internal),
            action.created_by ?? null,
          ],
        );
        await this.log(tx, action);
      });
    } catch (error) {
      if (error instanceof ActionExistsError) throw error;
      if (/duplicate key|unique/i.test((error as Error).message)) throw new ActionExistsError(action.name);
      throw error;
    }
    this.onLogged();
    return action;
  }

  async get(name: string): Promise<StoredAction | undefined> {
    const rows = await this.db.query<Row>('SELECT document, internal FROM actions WHERE name = $1', [name]);
    return rows[0] && fromRow(rows[0]);
  }

  async list(filter: { phase?: ActionPhase; path?: string; createdBy?: string }): Promise<Action[]> {
    const { clause, params } = whereEquals({
      phase: filter.phase,
      path: filter.path,
      created_by: filter.createdBy,
    });
    const rows = await this.db.query<Row>(
      `SELECT document, internal FROM actions ${clause} ORDER BY created_at, name`,
      params,
    );
    return rows.map((r) => fromRow(r).action);
  }

  async inPhases(phases: ActionPhase[]): Promise<StoredAction[]> {
    const rows = await this.db.query<Row>(
      'SELECT document, internal FROM actions WHERE phase = ANY($1::text[])',
      [phases],
    );
    return rows.map(fromRow);
  }

  /**
   * Changes an Action atomically. `guard` returns why the change is refused (nothing is written then);
   * `mutate` returns the new state. A new phase gets a timestamp, the next statusSeq and a log row.
   */
  async change(
    name: string,
    guard: (current: StoredAction) => string | undefined,
    mutate: (current: StoredAction) => StoredAction,
  ): Promise<Action> {
    let logged = false;
    const result = await this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>('SELECT document, internal FROM actions WHERE name = $1 FOR UPDATE', [
        name,
      ]);
      if (!rows[0]) throw new ActionNotFoundError(name);
      const current = fromRow(rows[0]);
      const refusal = guard(current);
      if (refusal !== undefined) throw new InvalidActionStateError(current.action.status.phase, refusal);
      const next = mutate(current);
      const { action } = next;
      if (action.status.phase !== current.action.status.phase) {
        action.statusSeq = current.action.statusSeq + 1;
        action.status = { ...action.status, timestamp: new Date().toISOString() };
        await this.log(tx, action);
        logged = true;
      }
      await tx.query(
        `UPDATE actions SET phase = $2, path = $3, document = $4::jsonb, internal = $5::jsonb, updated_at = now() WHERE name = $1`,
        [
          name,
          action.status.phase,
          action.actionRef.path,
          JSON.stringify(action),
          JSON.stringify(next.internal),
        ],
      );
      return action;
    });
    if (logged) this.onLogged();
    return result;
  }

  /** Deletes an Action unless `guard` refuses; returns it as it was. */
  async delete(name: string, guard: (current: StoredAction) => string | undefined): Promise<Action> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>('SELECT document, internal FROM actions WHERE name = $1 FOR UPDATE', [
        name,
      ]);
      if (!rows[0]) throw new ActionNotFoundError(name);
      const current = fromRow(rows[0]);
      const refusal = guard(current);
      if (refusal !== undefined) throw new InvalidActionStateError(current.action.status.phase, refusal);
      await tx.query('DELETE FROM actions WHERE name = $1', [name]);
      return current.action;
    });
  }

  async unpublished(limit: number): Promise<Array<{ id: string; message: ActionStatusMessage }>> {
    const rows = await this.db.query<{ id: string; payload: unknown }>(
      'SELECT id::text AS id, payload FROM action_status_log WHERE NOT published ORDER BY id LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ id: r.id, message: parseJson<ActionStatusMessage>(r.payload) }));
  }

  async markPublished(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.db.query('UPDATE action_status_log SET published = true WHERE id = ANY($1::bigint[])', [ids]);
  }

  async createTypeInstance(input: {
    path: string;
    revision: string;
    value: unknown;
    createdBy?: string | null;
  }): Promise<TypeInstance> {
    const id = randomUUID();
    const rows = await this.db.query<{ created_at: unknown }>(
      `INSERT INTO type_instances (id, type_path, type_revision, value, created_by)
       VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING created_at`,
      [id, input.path, input.revision, JSON.stringify(input.value ?? null), input.createdBy ?? null],
    );
    return {
      id,
      typeRef: { path: input.path, revision: input.revision },
      value: input.value ?? null,
      createdAt: iso(rows[0]!.created_at)!,
      created_by: input.createdBy ?? null,
    };
  }

  async typeInstance(id: string): Promise<TypeInstance | undefined> {
    const rows = await this.db.query<TypeInstanceRow>(
      `SELECT ${TI_COLUMNS} FROM type_instances WHERE id = $1`,
      [id],
    );
    return rows[0] && typeInstanceOf(rows[0]);
  }

  async typeInstances(filter: {
    path?: string;
    revision?: string;
    created_by?: string;
  }): Promise<TypeInstance[]> {
    const { clause, params } = whereEquals({
      type_path: filter.path,
      type_revision: filter.revision,
      created_by: filter.created_by,
    });
    const rows = await this.db.query<TypeInstanceRow>(
      `SELECT ${TI_COLUMNS} FROM type_instances ${clause} ORDER BY created_at, id LIMIT 1000`,
      params,
    );
    return rows.map(typeInstanceOf);
  }
}

interface TypeInstanceRow {
  id: string;
  type_path: string;
  type_revision: string;
  value: unknown;
  created_at: unknown;
  created_by: string | null;
}
const TI_COLUMNS = 'id, type_path, type_revision, value, created_at, created_by';

function typeInstanceOf(row: TypeInstanceRow): TypeInstance {
  return {
    id: row.id,
    typeRef: { path: row.type_path, revision: row.type_revision },
    value: row.value,
    createdAt: iso(row.created_at)!,
    created_by: row.created_by ?? null,
  };
}
