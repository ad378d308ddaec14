import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Credential } from '@switchyard/engine-client';
import { iso, type Database } from './database.js';

/** AES-256-GCM with a key derived from CREDENTIALS_KEY (SHA-256 of the given string). */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (secret.length < 16) throw new Error('CREDENTIALS_KEY must be at least 16 characters');
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unknown credential encoding');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}

interface CredentialRow {
  credential_id: string | number;
  name: string;
  type: string;
  description: string | null;
  meta: Record<string, unknown> | null;
  tags: string[] | null;
  data_encrypted: string;
  created_at: unknown;
  updated_at: unknown;
}

function toCredential(row: CredentialRow): Credential {
  return {
    id: String(row.credential_id),
    name: row.name,
    type: row.type,
    meta: row.meta ?? null,
    tags: row.tags ?? null,
    description: row.description,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

/** NoETL takes tags as a list or one comma-separated string. */
export function normalizeTags(tags: string | string[] | null | undefined): string[] | null {
  if (tags === null || tags === undefined) return null;
  const list = (Array.isArray(tags) ? tags : tags.split(',')).map((t) => t.trim()).filter(Boolean);
  return [...new Set(list)];
}

/** A credential is named by its numeric id or its name (as in NoETL). */
function identifierWhere(identifier: string): { clause: string; value: string } {
  return /^\d{1,18}$/.test(identifier)
    ? { clause: 'credential_id::text = $1 OR name = $1', value: identifier }
    : { clause: 'name = $1', value: identifier };
}

/** Named credentials; their data is encrypted at rest and never returned by the API. */
export class CredentialStore {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox | undefined,
  ) {}

  get enabled(): boolean {
    return this.box !== undefined;
  }

  private requireBox(): SecretBox {
    if (!this.box) throw new Error('credentials are disabled: set CREDENTIALS_KEY to store and use them');
    return this.box;
  }

  async put(input: {
    name: string;
    type: string;
    description?: string | null;
    meta?: Record<string, unknown> | null;
    tags?: string | string[] | null;
    data: Record<string, unknown>;
  }): Promise<Credential> {
    const sealed = this.requireBox().seal(JSON.stringify(input.data));
    const tags = normalizeTags(input.tags);
    const rows = await this.db.query<CredentialRow>(
      `INSERT INTO credentials (name, type, description, data_encrypted, meta, tags)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
       ON CONFLICT (name) DO UPDATE SET type = EXCLUDED.type, description = EXCLUDED.description,
         data_encrypted = EXCLUDED.data_encrypted, meta = EXCLUDED.meta, tags = EXCLUDED.tags, updated_at = now()
       RETURNING *`,
      [
        input.name,
        input.type,
        input.description ?? null,
        sealed,
        input.meta ? JSON.stringify(input.meta) : null,
        tags ? JSON.stringify(tags) : null,
      ],
    );
    return toCredential(rows[0]!);
  }

  /** Credentials by name, optionally of one type and matching `q` in name or description (case-insensitive). */
  async list(filter: { type?: string; q?: string } = {}): Promise<Credential[]> {
    const rows = await this.db.query<CredentialRow>(
      `SELECT * FROM credentials
       WHERE ($1::text IS NULL OR type = $1)
         AND ($2::text IS NULL OR strpos(lower(name), lower($2)) > 0 OR strpos(lower(coalesce(description, '')), lower($2)) > 0)
       ORDER BY name`,
      [filter.type ?? null, filter.q ?? null],
    );
    return rows.map(toCredential);
  }

  async get(identifier: string): Promise<Credential | undefined> {
    const { clause, value } = identifierWhere(identifier);
    const rows = await this.db.query<CredentialRow>(`SELECT * FROM credentials WHERE ${clause} LIMIT 1`, [
      value,
    ]);
    return rows[0] && toCredential(rows[0]);
  }

  async remove(identifier: string): Promise<Credential | undefined> {
    const { clause, value } = identifierWhere(identifier);
    const rows = await this.db.query<CredentialRow>(`DELETE FROM credentials WHERE ${clause} RETURNING *`, [
      value,
    ]);
    return rows[0] && toCredential(rows[0]);
  }

  /** Decrypted data of a credential, for tools only. */
  async secret(name: string): Promise<{ type: string; data: Record<string, unknown> }> {
    const rows = await this.db.query<CredentialRow>('SELECT * FROM credentials WHERE name = $1', [name]);
    const row = rows[0];
    if (!row) throw new Error(`credential "${name}" does not exist`);
    return {
      type: row.type,
      data: JSON.parse(this.requireBox().open(row.data_encrypted)) as Record<string, unknown>,
    };
  }
}
