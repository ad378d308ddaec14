import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The no-restricted-imports messages ESLint reports for `code` placed at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}/${file}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module boundaries (eslint.config.js)', () => {
  it('refuses an app import in a lib', async () => {
    const errors = await boundaryErrors(
      'libs/federation/src/x.ts',
      "import { createRouter } from '@switchyard/federation-router';\nexport const x = createRouter;\n",
    );
    expect(errors).toEqual([expect.stringContaining('Libraries never import apps')]);
  });

  it('applies the same rules when ESLint runs from a project folder (as Nx lint does)', async () => {
    const fromProject = new ESLint({ cwd: `${root}/libs/federation` });
    const [result] = await fromProject.lintText(
      "import { a } from '@switchyard/playbook-gateway';\nexport const x = a;\n",
      {
        filePath: `${root}/libs/federation/src/x.ts`,
      },
    );
    expect(result!.messages.map((m) => m.message)).toEqual([
      expect.stringContaining('Libraries never import apps'),
    ]);
  });

  it('refuses one app importing another, by name or by relative path', async () => {
    expect(
      await boundaryErrors(
        'apps/playbook-gateway/src/x.ts',
        "import { a } from '@switchyard/playbook-engine';\nexport const x = a;\n",
      ),
    ).toEqual([expect.stringContaining('Apps never import each other')]);
    expect(
      await boundaryErrors(
        'apps/playbook-gateway/src/x.ts',
        "import { a } from '../../playbook-engine/src/server.js';\nexport const x = a;\n",
      ),
    ).toEqual([expect.stringContaining('through its package name')]);
  });

  it('refuses a relative path into another lib, and allows package names', async () => {
    expect(
      await boundaryErrors(
        'libs/engine-client/src/x.ts',
        "import { a } from '../../execution-events/src/index.js';\nexport const x = a;\n",
      ),
    ).toEqual([expect.stringContaining('through its package name')]);
    expect(
      await boundaryErrors(
        'apps/playbook-gateway/src/x.ts',
        "import { a } from '@switchyard/execution-events';\nimport { b } from './local.js';\nexport const x = [a, b];\n",
      ),
    ).toEqual([]);
  });
});
