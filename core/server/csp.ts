/**
 * The console's Content-Security-Policy, shared by the browser-mode server and
 * the Electron window. Scripts only from the app itself (no inline, no eval);
 * images may come from Cloudinary for media previews (and, in the demo's browser mode
 * only, from its local Cloudinary emulator: `imgSrc`, see demo-image-origins.ts).
 *
 * Inline styles: Mantine renders <style> elements at run time (CSS variables,
 * responsive style props) and takes a nonce for them (MantineProvider
 * getStyleNonce); React's style props go through the CSSOM, which CSP does not
 * govern, so no style attribute is needed. Hence:
 * - `{ nonce }`: browser mode's HTML page, a fresh nonce per response, which
 *   the page reads from <meta property="csp-nonce"> (docs/security.md);
 * - 'none': every other response (scripts, CSS, images are not documents);
 * - 'unsafe-inline': the Electron window, which loads index.html from file://
 *   and so cannot get a per-response nonce into it (docs/security.md says why);
 *   style attributes stay forbidden there too.
 */
export type InlineStyles = { nonce: string } | 'none' | 'unsafe-inline';

export const STYLE_NONCE_PLACEHOLDER = '__SYNCWARDEN_STYLE_NONCE__';

export function contentSecurityPolicy(options: { connectSrc?: readonly string[]; imgSrc?: readonly string[]; inlineStyles?: InlineStyles } = {}): string {
  const inline = options.inlineStyles ?? 'none';
  const styleSrc =
    inline === 'none' ? "style-src 'self'" : inline === 'unsafe-inline' ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${inline.nonce}'`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    styleSrc,
    ...(inline === 'unsafe-inline' ? ["style-src-attr 'none'"] : []),
    `img-src 'self' data: blob: https://res.cloudinary.com ${(options.imgSrc ?? []).join(' ')}`.trim(),
    "font-src 'self' data:",
    `connect-src 'self' ${(options.connectSrc ?? []).join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The same policy for a <meta http-equiv> tag in index.html: frame-ancestors
 * is dropped (a meta policy cannot carry it, and Chromium warns when it does).
 * The meta copy keeps the UI under a policy wherever it is loaded from; each
 * host still sends the header (app:// in Electron, the browser-mode server,
 * which also rewrites the meta to its per-response policy).
 */
export function metaContentSecurityPolicy(options: Parameters<typeof contentSecurityPolicy>[0] = {}): string {
  return contentSecurityPolicy(options)
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}

/** The CSP meta tag of the built index.html (electron.vite.config.ts writes it; browser-server.ts rewrites it). */
export const CSP_META_PATTERN = /<meta http-equiv="Content-Security-Policy" content="[^"]*"\s*\/?>/;

export function cspMetaTag(policy: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${policy.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}">`;
}
