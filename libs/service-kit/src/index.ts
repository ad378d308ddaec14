export { ConfigError, parseEnv, loadEnvOrExit, envVar, baseServiceEnv } from './config.js';
export type { BaseServiceConfig, Env } from './config.js';
export { createLogger, silentLogger } from './logger.js';
export type { Logger, LoggerSettings } from './logger.js';
export { HttpError, errorBody, toHttpError } from './http-error.js';
export type { ErrorBody } from './http-error.js';
export { createHttpMetrics, Counter, Gauge, Histogram, Registry } from './metrics.js';
export { runReadinessChecks } from './readiness.js';
export type { ReadinessCheck, ReadinessReport } from './readiness.js';
export { createService } from './service.js';
export type { Service, ServiceOptions, ListenAddress, ClosableSocketServer } from './service.js';
export { corsMiddleware, createOriginPolicy, normalizeOrigin } from './cors.js';
export type { CorsOptions } from './cors.js';
export { fetchMetadataGuard, legacyJsonStatusPlugin } from './graphql-over-http.js';
export {
  setupTracing,
  withSpan,
  injectHeaders,
  extractContext,
  requestIdOf,
  withRequestId,
  REQUEST_ID_BAGGAGE,
  TRACER_NAME,
} from './tracing.js';
export type { Tracing, TracingOptions } from './tracing.js';
export { startRequestTrace, resumeRequestTrace } from './tracing-middleware.js';
