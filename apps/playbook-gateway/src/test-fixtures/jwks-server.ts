import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface JwksServer {
  /** The JWKS document's URL (AUTH_JWKS_URL). */
  url: string;
  issuer: string;
  audience: string;
  /** Signs a token with the served key (or with `otherKey: true`, a key the server does not publish). */
  sign(
    claims: Record<string, unknown>,
    options?: { expiresIn?: string | number; otherKey?: boolean; audience?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

/** A real HTTP server publishing one RSA key as a JWKS, plus a signer for tokens under it. */
export async function startJwksServer(
  issuer = 'https://issuer.switchyard.test/',
  audience = 'switchyard-gateway-e2e',
): Promise<JwksServer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'e2e-key', alg: 'RS256', use: 'sig' };
  const body = JSON.stringify({ keys: [jwk] });
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    async sign(claims, options = {}) {
      const key = options.otherKey ? other.privateKey : privateKey;
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'e2e-key' })
        .setIssuer(issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt(now - 120);
      const expiresIn = options.expiresIn ?? '1h';
      jwt.setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
      return jwt.sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
