import type { SyncwardenBridge } from '@core/api';
import { alwaysOpen, type ConnectionSource } from './connection';
import { ipcBridge } from './ipc-bridge';
import { takeToken } from './token';
import { WebSocketBridge } from './ws-bridge';

export interface Transport {
  bridge: SyncwardenBridge;
  connection: ConnectionSource;
  kind: 'ipc' | 'websocket';
}

/** Electron's preload wins when present; otherwise this page is browser mode. */
export function selectTransport(): Transport {
  const ipc = ipcBridge();
  if (ipc) return { bridge: ipc, connection: alwaysOpen, kind: 'ipc' };
  const token = takeToken();
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = token ? `${scheme}://${window.location.host}/ws?token=${encodeURIComponent(token)}` : null;
  const bridge = new WebSocketBridge({ url, probeUrl: `${window.location.origin}/` });
  return { bridge, connection: bridge, kind: 'websocket' };
}
