/** Google connectors (Drive, Sheets, Gmail) over googleapis; one instance per user account. */
export { DriveConnector, type DriveChange, type DriveChangePage, type DriveFile, type DriveFileLookup, type DriveFilePage, type DriveListQuery } from './drive.connector';
export { GmailConnector, type GmailProfile, type HistoryPage, type MessageMetadata, type MessagePage, type MessageRef } from './gmail.connector';
export type { GoogleConnectorOptions } from './google-caller';
export { CursorRejectedError } from './google-errors';
export { SheetsConnector, type ReadRowsOptions, type RowWindow, type SheetInfo, type SheetValues, type SpreadsheetInfo } from './sheets.connector';
