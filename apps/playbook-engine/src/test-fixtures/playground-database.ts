import pg from 'pg';

/**
 * Creates the database `name` on the Postgres at `postgresUrl` and returns its URL: a database beside the engine's
 * own, for steps to use (steps never run on the engine's database).
 */
export async function createPlaygroundDatabase(postgresUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
