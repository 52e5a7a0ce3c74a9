import type { Session } from 'electron';

/**
 * Permissions our own renderer may use: Mantine's CopyButton writes the
 * clipboard (navigator.clipboard.writeText asks for `clipboard-sanitized-write`).
 * Nothing else: no camera, microphone, geolocation, notifications (the main
 * process shows those), HID/serial/USB, or media keys.
 */
const OWN_RENDERER_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * Both permission handlers of a session, denying by default. Electron grants
 * every permission when no handler is set; the request handler answers
 * prompts (getUserMedia, notifications…), the check handler answers
 * synchronous queries (navigator.permissions, clipboard), so both are needed.
 * Device pickers (HID, serial, USB) are denied too.
 */
export function denyPermissionsByDefault(session: Session, isRendererUrl: (url: string | undefined) => boolean): void {
  const allowed = (permission: string, url: string | undefined) => OWN_RENDERER_PERMISSIONS.has(permission) && isRendererUrl(url);
  session.setPermissionRequestHandler((webContents, permission, callback, details) => {
    callback(allowed(permission, details.requestingUrl ?? webContents?.getURL()));
  });
  session.setPermissionCheckHandler((webContents, permission, requestingOrigin, details) => {
    // The check handler gets an origin; our renderer's page URL comes from the frame or the contents.
    return allowed(permission, details.requestingUrl ?? webContents?.getURL() ?? requestingOrigin);
  });
  session.setDevicePermissionHandler(() => false);
}
