// Driver failures as catalogue errors: "Cassandra did not answer" is retriable (the record is
// tried again); anything else is a bug or a schema mismatch, which retrying would not fix.
import { errors, types } from 'cassandra-driver';
import { SpamstreamError } from '../../core/errors.ts';

const codes = types.responseErrorCodes;

// Server answers meaning "not now": too few replicas alive, a replica timed out (also a contended
// lightweight transaction), the node is overloaded or still joining the ring.
const UNAVAILABLE_RESPONSES: ReadonlySet<number> = new Set([
  codes.unavailableException,
  codes.overloaded,
  codes.isBootstrapping,
  codes.writeTimeout,
  codes.readTimeout,
]);

const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

export function isUnavailable(error: unknown): boolean {
  if (error instanceof errors.NoHostAvailableError) return true;
  if (error instanceof errors.OperationTimedOutError) return true;
  if (error instanceof errors.BusyConnectionError) return true;
  if (error instanceof errors.ResponseError) return UNAVAILABLE_RESPONSES.has(error.code);
  // The driver fails every request in flight on a connection that closed (the node died or
  // restarted) with a plain DriverError "Socket was closed" marked isSocketError: the write may or
  // may not have been applied, and trying it again (an idempotent upsert) is what finishes it.
  if ((error as { isSocketError?: unknown } | null)?.isSocketError === true) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && SOCKET_ERROR_CODES.has(code);
}

/** The hosts that refused the credentials, with the server's reason, from a failed connect. */
export function authenticationFailures(error: unknown): string[] {
  const inner = error instanceof errors.NoHostAvailableError ? (error.innerErrors as Record<string, unknown>) : {};
  return Object.entries(inner)
    .filter(([, cause]) => cause instanceof errors.AuthenticationError)
    .map(([host, cause]) => `${host}: ${(cause as Error).message}`);
}

/** Wraps a driver failure of `action` (e.g. "write features") in a SpamstreamError. */
export function toStoreError(error: unknown, action: string): SpamstreamError {
  if (error instanceof SpamstreamError) return error;
  const refused = authenticationFailures(error);
  if (refused.length > 0) {
    const hint = 'check SPAMSTREAM_CASSANDRA_USERNAME and SPAMSTREAM_CASSANDRA_PASSWORD';
    const message = `Cassandra refused the credentials to ${action} (${refused.join('; ')}): ${hint}`;
    return new SpamstreamError('STORE_UNAVAILABLE', message, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return isUnavailable(error)
    ? new SpamstreamError('STORE_UNAVAILABLE', `Cassandra did not answer to ${action}: ${reason}`, { cause: error })
    : new SpamstreamError('INTERNAL', `Cassandra failed to ${action}: ${reason}`, { cause: error });
}
