import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  name: string;
  level?: string;
  format?: 'json' | 'pretty';
  /** Where JSON lines go (default stdout); tests read the lines a service writes. */
  destination?: DestinationStream;
}

/** Fields that never reach a log line. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-session-token"]',
  'req.headers["x-hasura-dataconnector-config"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.session_token',
  '*.auth0_token',
  '*.credentials_key',
  '*.secret',
];

/** A pino logger: JSON lines in production, pino-pretty in development. */
export function createLogger({ name, level = 'info', format = 'json', destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  if (format === 'pretty' && level !== 'silent') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing; for tests and libraries used without a service. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
