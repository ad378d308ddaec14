import { setTimeout as sleep } from 'node:timers/promises';
import { baseServiceEnv, createLogger, createService, loadEnvOrExit } from '../index.js';

// A service with one slow route, started as a child process by the shutdown test.
const env = loadEnvOrExit(baseServiceEnv(0));
const service = createService({
  name: 'slow-service',
  port: env.PORT,
  host: env.HOST,
  logger: createLogger({ name: 'slow-service', level: env.LOG_LEVEL, format: 'json' }),
  shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
});
service.app.get('/slow', async (req, res) => {
  process.stdout.write('slow request started\n');
  await sleep(Number(req.query.ms ?? 800));
  res.json({ done: true });
});
service.onShutdown(() => process.stdout.write('closers ran\n'));
service.exitOnSignals();
await service.listen();
