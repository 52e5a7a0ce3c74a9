import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, STYLE_NONCE_PLACEHOLDER } from '../../core/server/csp';

/** What each host's policy allows for inline styles (core/server/csp.ts, docs/security.md). */
const directive = (csp: string, name: string) => csp.split('; ').find((d) => d.startsWith(`${name} `));

describe('content security policy', () => {
  it('browser mode pages: styles from the app or with the page nonce, nothing inline otherwise', () => {
    const csp = contentSecurityPolicy({ inlineStyles: { nonce: 'abc123' } });
    expect(directive(csp, 'style-src')).toBe("style-src 'self' 'nonce-abc123'");
    expect(csp).not.toContain('unsafe-inline');
    expect(directive(contentSecurityPolicy(), 'style-src')).toBe("style-src 'self'");
  });

  it('the desktop window allows inline style elements (file:// cannot carry a per-response nonce) but no style attributes', () => {
    const csp = contentSecurityPolicy({ inlineStyles: 'unsafe-inline' });
    expect(directive(csp, 'style-src')).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive(csp, 'style-src-attr')).toBe("style-src-attr 'none'");
    expect(directive(csp, 'script-src')).toBe("script-src 'self'");
  });

  it('the renderer looks for the placeholder the server replaces', () => {
    expect(readFileSync('renderer/src/lib/style-nonce.ts', 'utf8')).toContain(`'${STYLE_NONCE_PLACEHOLDER}'`);
    expect(readFileSync('renderer/index.html', 'utf8')).toContain(`<meta property="csp-nonce" nonce="${STYLE_NONCE_PLACEHOLDER}" />`);
  });
});
