import type { SheetSourceSpec } from '../../api/sheets';
import { isConnectorError } from '../../connectors/shared/connector-error';
import { connectionFaultMessage } from '../../connectors/shared/fault';

/** A connector failure, restated as what the admin can do about it (the run's error message). */
class SheetImportError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'SheetImportError';
  }
}

export function explainImportError(error: unknown, spec: SheetSourceSpec): unknown {
  if (!isConnectorError(error)) return error;
  const sheet = `the spreadsheet ${spec.spreadsheetId}`;
  const reader = spec.credentials === 'connection' ? 'the Google connection’s own account' : `storage account “${spec.storageAccountId}”`;
  const cause = { cause: error };
  switch (error.kind) {
    case 'not-found':
      return new SheetImportError('not-found', `Google says ${sheet} does not exist, or ${reader} cannot read it. Check the spreadsheet id and that the sheet is shared with that account.`, cause);
    case 'misconfigured':
      // The admin's OAuth client, not the storage account: fixed on the Connections page (fault.ts).
      return new SheetImportError('connection-misconfigured', connectionFaultMessage(error), cause);
    case 'unauthorized':
    case 'token-revoked':
      return new SheetImportError('unauthorized', spec.credentials === 'connection' ? `Google refused the token of the Google connection’s own account (${error.message}). Connect it again on the Connections page.` : `Google refused the token of storage account “${spec.storageAccountId}” (${error.message}). The account must be reconnected in the product.`, cause);
    case 'forbidden':
      if (error.reason === 'exportSizeLimitExceeded') {
        return new SheetImportError('too-large', `The sheet is over the CSV export's 10 MB limit: switch this source to the Sheets API method.`, cause);
      }
      return new SheetImportError('forbidden', `Google does not let ${reader} read ${sheet} (${error.message}). Share the sheet with that account.`, cause);
    case 'rate-limited':
      return new SheetImportError('rate-limited', `Google's read quota (60 reads a minute per user) stayed exhausted after several waits. Try again in a few minutes.`, cause);
    case 'invalid-request':
      return new SheetImportError('invalid-request', `Google rejected the request (${error.message}). Check the tab name and range of this source.`, cause);
    case 'unavailable':
      return new SheetImportError('unavailable', `Google could not be reached or failed (${error.message}). Try again later.`, cause);
  }
}
