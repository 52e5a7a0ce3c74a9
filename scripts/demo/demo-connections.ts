import type { z } from 'zod';
import type { ConnectionCreateSchema } from '../../core/api/connections';
import { DEMO_CREDENTIALS } from './demo-seeds';

type NewConnection = z.output<typeof ConnectionCreateSchema>;

export interface DemoServiceUrls {
  appDbPath: string;
  google: string;
  /** The Google emulator's authorize (consent) page and revoke endpoint: Connect and Disconnect stay on the emulator. */
  googleAuthUrl: string;
  googleRevokeUrl: string;
  /** Dropbox needs no more: its authorize page is rewritten onto `baseUrl` (core/connections/oauth/dropbox.oauth.ts). */
  dropbox: string;
  cloudinary: string;
  supabase: string;
}

/** The five connections of the demo workspace, pointed at this run's emulator ports. */
export function demoConnections(urls: DemoServiceUrls): NewConnection[] {
  const { google, dropbox, cloudinary, supabase } = DEMO_CREDENTIALS;
  return [
    { kind: 'appdb', name: 'Product database', config: { driver: 'sqlite', path: urls.appDbPath }, secrets: {} },
    // One Google OAuth client for Drive, Gmail and Sheets: engines that act with each user's own token
    // (storage-orphans, mail-import) take the only Google connection when no name is given.
    { kind: 'google', name: 'Google Workspace', config: { clientId: google.clientId, rootUrl: `${urls.google}/`, tokenUrl: `${urls.google}/token`, authUrl: urls.googleAuthUrl, revokeUrl: urls.googleRevokeUrl }, secrets: { clientSecret: google.clientSecret } },
    { kind: 'dropbox', name: 'Dropbox', config: { appKey: dropbox.appKey, baseUrl: urls.dropbox }, secrets: { appSecret: dropbox.appSecret } },
    {
      kind: 'cloudinary',
      name: 'Cloudinary media',
      config: { cloudName: cloudinary.cloudName, apiKey: cloudinary.apiKey, rootFolder: cloudinary.rootFolder, apiBaseUrl: urls.cloudinary, deliveryBaseUrl: urls.cloudinary },
      secrets: { apiSecret: cloudinary.apiSecret },
    },
    { kind: 'supabase', name: 'Supabase Auth', config: { url: urls.supabase }, secrets: { serviceRoleKey: supabase.serviceRoleKey } },
  ];
}
