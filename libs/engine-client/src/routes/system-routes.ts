import {
  postEventRequestSchema,
  postEventResponseSchema,
  eventParamsSchema,
  eventResponseSchema,
} from '../event-schemas.js';
import {
  devTokenRequestSchema,
  devTokenResponseSchema,
  healthResponseSchema,
  jwksResponseSchema,
} from '../schemas.js';
import { defineRoute } from './route.js';

export const eventRoutes = {
  postEvent: defineRoute({
    method: 'POST',
    path: '/api/events',
    summary:
      "Record a NoETL worker event in the execution's log (workers here report over NATS; it drives no step)",
    origin: 'noetl',
    tag: 'Events',
    body: postEventRequestSchema,
    status: 200,
    response: postEventResponseSchema,
    errors: { 404: 'Execution not found' },
  }),
  getEvent: defineRoute({
    method: 'GET',
    path: '/api/event/:event_id',
    summary: 'One event by its numeric id',
    origin: 'noetl',
    tag: 'Events',
    params: eventParamsSchema,
    status: 200,
    response: eventResponseSchema,
    errors: { 404: 'Event not found' },
  }),
} as const;

export const systemRoutes = {
  health: defineRoute({
    method: 'GET',
    path: '/api/health',
    summary: 'Engine health (no token needed)',
    origin: 'noetl',
    tag: 'System',
    status: 200,
    response: healthResponseSchema,
  }),
  devJwks: defineRoute({
    method: 'GET',
    path: '/api/auth/dev/jwks.json',
    summary: 'Public keys of the development token issuer (only with AUTH_DEV_ISSUER)',
    origin: 'switchyard',
    tag: 'Auth',
    status: 200,
    response: jwksResponseSchema,
    optional: true,
  }),
  devToken: defineRoute({
    method: 'POST',
    path: '/api/auth/dev/token',
    summary: 'Sign a development token (only with AUTH_DEV_ISSUER)',
    origin: 'switchyard',
    tag: 'Auth',
    body: devTokenRequestSchema,
    status: 200,
    response: devTokenResponseSchema,
    optional: true,
  }),
} as const;
