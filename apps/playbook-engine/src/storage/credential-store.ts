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
  name: string;
  type: string;
  description: string | null;
  data_encrypted: string;
  created_at: unknown;
  updated_at: unknown;
}

function toCredential(row: CredentialRow): Credential {
  return {
    name: row.name,
    type: row.type,
    description: row.description,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
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
    description?: string;
    data: Record<string, unknown>;
  }): Promise<Credential> {
    const sealed = this.requireBox().seal(JSON.stringify(input.data));
    const rows = await this.db.query<CredentialRow>(
      `INSERT INTO credentials (name, type, description, data_encrypted) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET type = EXCLUDED.type, description = EXCLUDED.description,
         data_encrypted = EXCLUDED.data_encrypted, updated_at = now()
       RETURNING *`,
      [input.name, input.type, input.description ?? null, sealed],
    );
    return toCredential(rows[0]!);
  }

  async list(): Promise<Credential[]> {
    return (await this.db.query<CredentialRow>('SELECT * FROM credentials ORDER BY name')).map(toCredential);
  }

  async remove(name: string): Promise<Credential | undefined> {
    const rows = await this.db.query<CredentialRow>('DELETE FROM credentials WHERE name = $1 RETURNING *', [
      name,
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
