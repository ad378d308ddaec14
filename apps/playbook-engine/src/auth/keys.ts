import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose';

export interface DevIssuer {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  keys: JWTVerifyGetKey;
  sign(claims: { sub: string; email?: string; name?: string; expiresInSeconds: number }): Promise<string>;
}

/** Dev mode: the engine holds an RS256 key pair, publishes its JWKS and signs tokens for local demos. */
export async function createDevIssuer(issuer: string, audience: string): Promise<DevIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'switchyard-dev', alg: 'RS256', use: 'sig' };
  const jwks = { keys: [jwk] };
  return {
    issuer,
    audience,
    jwks,
    keys: createLocalJWKSet(jwks),
    sign: ({ sub, email, name, expiresInSeconds }) =>
      new SignJWT({ ...(email ? { email } : {}), ...(name ? { name } : {}) })
        .setProtectedHeader({ alg: 'RS256', kid: 'switchyard-dev' })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
        .sign(privateKey),
  };
}

export function remoteKeys(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), {
    timeoutDuration: 5_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 600_000,
  });
}
