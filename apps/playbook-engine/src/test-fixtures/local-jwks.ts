import { exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { startHttpServer } from './harness.js';

/** The key id the local JWKS publishes its key under. */
export const LOCAL_JWKS_KID = 'k1';

export interface LocalJwks {
  issuer: string;
  audience: string;
  /** The JWKS document's URL (AUTH_JWKS_URL). */
  url: string;
  /** The engine's AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL for this JWKS. */
  authEnv: Record<string, string>;
  /** The private half of the published key, for signing test tokens. */
  signingKey: CryptoKey;
  close(): Promise<void>;
}

/** A real HTTP server publishing one fresh RS256 key as a JWKS; `onRequest` sees every fetch of it. */
export async function startLocalJwks(
  onRequest: () => void = () => undefined,
  issuer = 'https://issuer.test/',
  audience = 'switchyard-api',
): Promise<LocalJwks> {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: LOCAL_JWKS_KID, alg: 'RS256', use: 'sig' };
  const server = await startHttpServer((_req, res) => {
    onRequest();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  const url = `${server.url}/.well-known/jwks.json`;
  return {
    issuer,
    audience,
    url,
    authEnv: { AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_URL: url },
    signingKey: pair.privateKey,
    close: server.close,
  };
}
