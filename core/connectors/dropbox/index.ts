export { DropboxConnector, type DropboxConnectorOptions } from './dropbox.connector';
export type { DropboxPage } from './dropbox-entries';
export { isCursorReset } from './dropbox-errors';
