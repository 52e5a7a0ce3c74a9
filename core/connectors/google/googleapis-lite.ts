import { auth } from 'googleapis/build/src/apis/drive';

/**
 * googleapis' root module loads every Google API it knows (about 100 MB and a
 * second of start-up, measured), which every process that merely imports the
 * engines would pay. Its per-API modules load one API each (about 17 MB,
 * shared googleapis-common included); these are the three Syncwarden uses.
 */
export { drive, type drive_v3 } from 'googleapis/build/src/apis/drive';
export { gmail, type gmail_v1 } from 'googleapis/build/src/apis/gmail';
export { sheets, type sheets_v4 } from 'googleapis/build/src/apis/sheets';

/** googleapis' auth namespace (JWT for service accounts); same google-auth-library copy, so the types line up. */
export { auth };

/** The OAuth2 client class googleapis itself uses (same google-auth-library copy, so the types line up). */
export const OAuth2 = auth.OAuth2;
export type OAuth2Client = InstanceType<typeof auth.OAuth2>;
/** The OAuth2 client's constructor options (the object form). */
export type OAuth2ClientOptions = Exclude<ConstructorParameters<typeof auth.OAuth2>[0], string | undefined>;
export type Credentials = OAuth2Client['credentials'];
