/**
 * The CSP nonce for the <style> elements the UI libraries render. Browser mode
 * puts a fresh one in <meta property="csp-nonce"> of every page it serves (and
 * the same in its style-src); the desktop build keeps the placeholder, and its
 * policy allows inline styles instead (core/server/csp.ts says why).
 *
 * Two consumers: Mantine (MantineProvider getStyleNonce) and the scroll lock of
 * Mantine's modals (react-remove-scroll → react-style-singleton), which reads
 * webpack's `__webpack_nonce__` global through get-nonce; without it opening
 * any dialog is a CSP violation.
 *
 * Chromium hides a nonce attribute from the DOM once a policy with nonces
 * applies (the attribute reads ""); the `nonce` property still holds it.
 */
const PLACEHOLDER = '__SYNCWARDEN_STYLE_NONCE__';

export function setupStyleNonce(): string | undefined {
  const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
  const value = meta?.nonce || meta?.getAttribute('nonce') || '';
  if (!value || value === PLACEHOLDER) return undefined;
  (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = value;
  return value;
}
