import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '@switchyard/service-kit';
import type { AuthPlaybooks } from '../auth/auth-playbooks.js';
import type { SessionLogout } from '../auth/session-logout.js';
import { extractSessionToken } from '../auth/session-token.js';
import { isUpstreamError } from '../errors.js';

const text = (max: number) => z.string().max(max);

export const loginBodySchema = z.object({
  auth0_token: z.string().min(1, 'auth0_token is required').max(16_384),
  auth0_domain: text(255).optional(),
  session_duration_hours: z.number().positive().max(720).optional(),
  client_ip: text(64).optional(),
  client_user_agent: text(512).optional(),
});

export const validateBodySchema = z.object({
  session_token: z.string().min(1, 'session_token is required').max(1_024),
});

export const logoutBodySchema = z.object({
  session_token: z.string().min(1, 'session_token must not be empty').max(1_024).optional(),
});

export const checkAccessBodySchema = z.object({
  session_token: z.string().min(1, 'session_token is required').max(1_024),
  playbook_path: z.string().min(1, 'playbook_path is required').max(512),
  permission_type: z
    .string()
    .regex(/^[a-z_*]{1,32}$/, 'permission_type must be a word such as view or execute'),
});

/** A one-line description of what is wrong with a body. */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid request body';
  const field = issue.path.join('.');
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${field} is required`;
  return field ? `${field}: ${issue.message}` : issue.message;
}

function parseBody<S extends z.ZodType>(schema: S, req: Request, res: Response): z.infer<S> | undefined {
  if (
    req.body === undefined ||
    req.body === null ||
    typeof req.body !== 'object' ||
    Array.isArray(req.body)
  ) {
    res.status(400).json({ error: 'request body must be a JSON object (Content-Type: application/json)' });
    return undefined;
  }
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: describe(parsed.error) });
    return undefined;
  }
  return parsed.data;
}

export interface AuthRoutesOptions {
  auth: AuthPlaybooks;
  logout: SessionLogout;
  logger: Logger;
  /** Also set an HttpOnly `session_token` cookie on login (default true). */
  setCookie?: boolean;
}

/** NoETL Gateway's auth REST contract: POST /api/auth/login, /validate, /check-access; and /logout. */
export function authRoutes(options: AuthRoutesOptions): Router {
  const router = Router();
  const { auth, logger } = options;

  const upstreamFailure = (res: Response, error: unknown, what: string) => {
    if (!isUpstreamError(error)) throw error;
    logger.warn({ err: error, code: error.code }, `${what} failed upstream`);
    res.status(502).json({ error: error.message, code: error.code });
  };

  router.post('/login', async (req, res) => {
    const body = parseBody(loginBodySchema, req, res);
    if (!body) return;
    try {
      const result = await auth.login({
        ...body,
        client_ip: body.client_ip ?? req.socket.remoteAddress ?? undefined,
        client_user_agent: body.client_user_agent ?? req.get('user-agent') ?? undefined,
      });
      if (result.status !== 'authenticated' || !result.session_token || !result.user) {
        res.status(401).json({ error: result.message ?? 'authentication failed' });
        return;
      }
      if (options.setCookie !== false) {
        const expires = result.expires_at ? new Date(result.expires_at) : undefined;
        res.cookie('session_token', result.session_token, {
          httpOnly: true,
          sameSite: 'lax',
          path: '/',
          ...(expires && Number.isFinite(expires.getTime()) ? { expires } : {}),
        });
      }
      res.json({
        status: 'authenticated',
        session_token: result.session_token,
        user: result.user,
        expires_at: result.expires_at ?? null,
        message: result.message ?? 'authentication successful',
      });
    } catch (error) {
      upstreamFailure(res, error, 'login');
    }
  });

  router.post('/validate', async (req, res) => {
    const body = parseBody(validateBodySchema, req, res);
    if (!body) return;
    try {
      const result = await auth.validateSession(body.session_token);
      const answer = {
        valid: result.valid && !!result.user,
        user: result.user ?? null,
        expires_at: result.expires_at ?? null,
        message: result.message ?? (result.valid ? 'session is valid' : 'invalid session'),
      };
      if (!answer.valid) {
        res.status(401).json({ error: answer.message, ...answer });
        return;
      }
      res.json(answer);
    } catch (error) {
      upstreamFailure(res, error, 'session validation');
    }
  });

  router.post('/logout', async (req, res) => {
    // The session to end: session_token in the body, else the request's own (Authorization, X-Session-Token, cookie).
    const raw: unknown = req.body ?? {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      res.status(400).json({ error: 'request body must be a JSON object (Content-Type: application/json)' });
      return;
    }
    const parsed = logoutBodySchema.safeParse(raw);
    if (!parsed.success) {
      res.status(400).json({ error: describe(parsed.error) });
      return;
    }
    const token = parsed.data.session_token ?? extractSessionToken(req.headers)?.token;
    if (!token) {
      res.status(400).json({
        error:
          'session_token is required (in the body, Authorization: Bearer, X-Session-Token or the cookie)',
      });
      return;
    }
    try {
      const outcome = await options.logout.logout(token);
      if (!outcome.revoked) {
        res.status(401).json({ error: outcome.message, status: 'not_logged_out', message: outcome.message });
        return;
      }
      if (options.setCookie !== false) res.clearCookie('session_token', { path: '/' });
      res.json({ status: 'logged_out', user: outcome.user, message: outcome.message });
    } catch (error) {
      upstreamFailure(res, error, 'logout');
    }
  });

  router.post('/check-access', async (req, res) => {
    const body = parseBody(checkAccessBodySchema, req, res);
    if (!body) return;
    try {
      const result = await auth.checkAccess(body.session_token, body.playbook_path, body.permission_type);
      const answer = {
        allowed: result.allowed,
        user: result.user ?? null,
        playbook_path: result.playbook_path ?? body.playbook_path,
        permission_type: result.permission_type ?? body.permission_type,
        message: result.message ?? (result.allowed ? 'allowed' : 'not allowed'),
      };
      if (!answer.allowed) {
        // No user means the session itself is not valid: that is 401, a refused permission is 403.
        res.status(answer.user ? 403 : 401).json({ error: answer.message, ...answer });
        return;
      }
      res.json(answer);
    } catch (error) {
      upstreamFailure(res, error, 'access check');
    }
  });

  return router;
}
