import { describe, expect, it } from 'vitest';
import { graphiqlPage, GRAPHIQL_CSP } from './page.js';
import { GRAPHIQL_ASSETS } from './assets.js';

describe('graphiqlPage', () => {
  it('loads every asset from the assets path and nothing from another origin', () => {
    const html = graphiqlPage({ title: 'T', endpoint: '/graphql', assetsPath: '/graphiql/' });
    for (const asset of GRAPHIQL_ASSETS) expect(html).toContain(`"/graphiql/${asset.name}"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toMatch(/<script>/);
    expect(html).not.toContain('session-token');
  });

  it('adds the session-token field on request, and escapes title and settings', () => {
    const html = graphiqlPage({
      title: '<x>',
      endpoint: '/g</script><script>alert(1)</script>',
      assetsPath: '/a',
      sessionToken: true,
    });
    expect(html).toContain('id="session-token"');
    expect(html).toContain('<title>&#60;x&#62;</title>');
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('"sessionToken":true');
  });

  it('has a policy that allows only the page origin for scripts', () => {
    expect(GRAPHIQL_CSP).toContain("script-src 'self'");
    expect(GRAPHIQL_CSP).not.toMatch(/unsafe-eval|https?:/);
  });
});
