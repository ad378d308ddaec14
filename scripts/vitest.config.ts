import { switchyardProject } from '../vitest.shared.ts';

export default switchyardProject('workspace', { include: ['**/*.test.ts'] });
