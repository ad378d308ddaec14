import type { NextFunction, Request, Response } from 'express';

const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/** Error codes of a well-formed request whose GraphQL document or variables were refused. */
const GRAPHQL_REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'QUERY_TOO_DEEP',
  'MAX_ALIASES_EXCEEDED',
  'MAX_ROOT_MUTATIONS_EXCEEDED',
  'LIST_SIZE_EXCEEDED',
  'MAX_COST_EXCEEDED',
]);

interface RequestLike {
  http?: { headers: Map<string, string> } | undefined;
}

/** The parts of an Apollo Server response this plugin reads (structural, so no Apollo import is needed). */
interface ResponseLike {
  http: { status?: number | undefined; headers: Map<string, string> };
  body:
    | {
        kind: 'single';
        singleResult: { data?: unknown; errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> };
      }
    | { kind: 'incremental' };
}

/**
 * GraphQL over HTTP: a client that accepts only `application/json` (the legacy media type) gets 200 for a
 * well-formed request whose document fails to parse or validate or whose variables do not coerce; clients that
 * accept `application/graphql-response+json` keep the 4xx. Malformed requests (BAD_REQUEST) keep their 400.
 */
export function legacyJsonStatusPlugin() {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }: { request: RequestLike; response: ResponseLike }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          // The media type is chosen after the plugins run: a client that accepts the modern one gets it.
          const type = response.http.headers.get('content-type') ?? request.http?.headers.get('accept') ?? '';
          if (type.includes(GRAPHQL_RESPONSE)) return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors || errors.length === 0) return;
          const requestErrors = errors.every((e) =>
            GRAPHQL_REQUEST_ERROR_CODES.has(String(e.extensions?.code ?? '')),
          );
          if (requestErrors) response.http.status = 200;
        },
      };
    },
  };
}

/**
 * Cross-site request forgery guard from Fetch Metadata: a browser marks every request with `Sec-Fetch-Site`, so
 * a cross-site request from a page whose origin is not allowed is refused (403); requests without the header
 * (servers, curl, tests) and same-origin requests pass. Replaces Apollo's header-based CSRF prevention, which
 * also refuses plain GET queries from non-browser clients.
 */
export function fetchMetadataGuard(originAllowed: (origin: string) => boolean = () => false) {
  return (req: Request, res: Response, next: NextFunction) => {
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    const crossSite = site === 'cross-site' || site === 'same-site';
    if (crossSite && !(typeof origin === 'string' && originAllowed(origin))) {
      res.status(403).json({
        errors: [
          {
            message: 'Cross-site requests from this origin are not allowed',
            extensions: { code: 'CSRF_REFUSED' },
          },
        ],
      });
      return;
    }
    next();
  };
}
