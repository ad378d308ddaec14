/** Server addresses and credentials taken from NATS URLs such as `nats://TOKEN@host:4222` or `nats://user:pass@host`. */
export interface NatsServerSettings {
  servers: string[];
  token?: string;
  user?: string;
  pass?: string;
}

/**
 * Splits credentials out of NATS URLs: `nats://TOKEN@host:4222` means token auth, `nats://user:pass@host:4222`
 * user/password auth. The returned servers carry no credentials. Several URLs must agree on one credential.
 */
export function parseNatsServers(urls: string | readonly string[]): NatsServerSettings {
  const list = (typeof urls === 'string' ? urls.split(',') : [...urls]).map((u) => u.trim()).filter(Boolean);
  const settings: NatsServerSettings = { servers: [] };
  for (const raw of list) {
    const withScheme = raw.includes('://') ? raw : `nats://${raw}`;
    const url = new URL(withScheme);
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    settings.servers.push(`${url.protocol}//${url.host}`);
    if (!user) continue;
    if (pass) {
      if ((settings.user ?? user) !== user || (settings.pass ?? pass) !== pass) {
        throw new Error('NATS URLs name different credentials');
      }
      settings.user = user;
      settings.pass = pass;
    } else {
      if ((settings.token ?? user) !== user) throw new Error('NATS URLs name different tokens');
      settings.token = user;
    }
  }
  if (settings.token && settings.user) throw new Error('NATS URLs mix a token and a user/password');
  return settings;
}

/** The URL(s) with credentials replaced by `***`, for logs. */
export function redactNatsUrl(urls: string | readonly string[]): string {
  const list = typeof urls === 'string' ? urls.split(',') : [...urls];
  return list.map((u) => u.trim().replace(/\/\/[^/@]*@/, '//***@')).join(',');
}
