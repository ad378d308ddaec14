import { describe, expect, it } from 'vitest';
import { withImports } from './python-imports.js';

describe('python libs (NoETL libs)', () => {
  it('prepends import lines for aliases, same names and from-imports; skips invalid names', () => {
    expect(
      withImports('x = 1', {
        json: 'json',
        pd: 'os.path',
        od: { from: 'collections', import: 'OrderedDict' },
        OrderedDict: { from: 'collections', import: 'OrderedDict' },
        'bad;name': 'os',
        evil: 'os; import sys',
      }),
    ).toBe(
      'import json\nimport os.path as pd\nfrom collections import OrderedDict as od\nfrom collections import OrderedDict\nx = 1',
    );
    expect(withImports('x = 1', undefined)).toBe('x = 1');
  });
});
