/** Google connectors (Drive, Sheets, Gmail) over googleapis; one instance per user account. */
export { DriveConnector } from './drive.connector';
export { GmailConnector, type MessageMetadata } from './gmail.connector';
export type { GoogleConnectorOptions } from './google-caller';
export { CursorRejectedError } from './google-errors';
export { SheetsConnector, type SheetInfo } from './sheets.connector';
