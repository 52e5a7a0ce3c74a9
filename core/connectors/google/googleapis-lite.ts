import type * as DriveApi from 'googleapis/build/src/apis/drive';
import type * as GmailApi from 'googleapis/build/src/apis/gmail';
import type * as SheetsApi from 'googleapis/build/src/apis/sheets';
import { lazyModule } from '../../base/lazy-module';

/**
 * googleapis' root module loads every Google API it knows (about 100 MB and a
 * second of start-up, measured), which every process that merely imports the
 * engines would pay. Its per-API modules load one API each (about 17 MB,
 * shared googleapis-common included); these are the three Syncwarden uses,
 * and each is required on its first call (lazy-module.ts): a process that
 * never talks to Google never loads them.
 */
export type { drive_v3 } from 'googleapis/build/src/apis/drive';
export type { gmail_v1 } from 'googleapis/build/src/apis/gmail';
export type { sheets_v4 } from 'googleapis/build/src/apis/sheets';

const driveApi = lazyModule<typeof DriveApi>('googleapis/build/src/apis/drive');
const gmailApi = lazyModule<typeof GmailApi>('googleapis/build/src/apis/gmail');
const sheetsApi = lazyModule<typeof SheetsApi>('googleapis/build/src/apis/sheets');

export function drive(options: DriveApi.drive_v3.Options): DriveApi.drive_v3.Drive {
  return driveApi().drive(options);
}

export function gmail(options: GmailApi.gmail_v1.Options): GmailApi.gmail_v1.Gmail {
  return gmailApi().gmail(options);
}

export function sheets(options: SheetsApi.sheets_v4.Options): SheetsApi.sheets_v4.Sheets {
  return sheetsApi().sheets(options);
}

/** The OAuth2 client googleapis itself uses (the same google-auth-library copy, so the types line up). */
export type OAuth2Client = InstanceType<typeof DriveApi.auth.OAuth2>;
/** The OAuth2 client's constructor options (the object form). */
export type OAuth2ClientOptions = Exclude<ConstructorParameters<typeof DriveApi.auth.OAuth2>[0], string | undefined>;
export type Credentials = OAuth2Client['credentials'];
/** googleapis' JWT client, for service accounts. */
export type JwtClient = InstanceType<typeof DriveApi.auth.JWT>;
type JwtOptions = Exclude<ConstructorParameters<typeof DriveApi.auth.JWT>[0], string | undefined>;

export function newOAuth2Client(options: OAuth2ClientOptions): OAuth2Client {
  return new (driveApi().auth.OAuth2)(options);
}

export function newJwtClient(options: JwtOptions): JwtClient {
  return new (driveApi().auth.JWT)(options);
}

/** Requires the three APIs now: a host that keeps running warms them for its Google connections (sdk-warmup.ts). */
export function loadGoogleApis(): void {
  driveApi();
  gmailApi();
  sheetsApi();
}
