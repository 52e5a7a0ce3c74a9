/**
 * The console's Content-Security-Policy, shared by the browser-mode server and
 * the Electron window. Scripts only from the app itself (no inline, no eval);
 * inline styles are allowed because the component library sets CSS variables
 * at run time; images may come from Cloudinary for media previews.
 */
export function contentSecurityPolicy(options: { connectSrc?: readonly string[] } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://res.cloudinary.com",
    "font-src 'self' data:",
    `connect-src 'self' ${(options.connectSrc ?? []).join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
