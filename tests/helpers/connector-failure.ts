import { isConnectorError, type ConnectorError } from '../../core/connectors/shared/connector-error';

/** The typed failure `promise` must reject with; anything else (success, a raw error) fails the test. */
export async function connectorFailure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConnectorError(error)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}
