import type { SyncwardenBridge } from '@core/api';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in browser mode. */
    syncwarden?: SyncwardenBridge;
  }
}

export function ipcBridge(): SyncwardenBridge | undefined {
  return window.syncwarden;
}
