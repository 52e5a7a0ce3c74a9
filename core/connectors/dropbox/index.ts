export { DropboxConnector, DROPBOX_MAX_PAGE_SIZE, type DropboxConnectorOptions, type CallOptions } from './dropbox.connector';
export type { DropboxDeleted, DropboxEntry, DropboxFile, DropboxFolder, DropboxPage } from './dropbox-entries';
export { CursorResetError, isCursorReset } from './dropbox-errors';
