// The one catalogue of error codes. `retriable` decides what happens to a failed record:
// retriable failures are tried again (the record stays uncommitted); the others go to the
// dead-letter topic with their code and reason, and the stream moves on.
export const ERRORS = {
  DECODE_FAILED: { retriable: false, summary: 'the bytes are not a valid Confluent-framed Avro record' },
  UNKNOWN_SCHEMA: { retriable: false, summary: 'the schema id is not in the registry' },
  MISSING_FIELD: { retriable: false, summary: 'a required field is missing or null' },
  INVALID_FIELD: { retriable: false, summary: 'a field has a value outside its allowed form' },
  EMPTY_TEXT: { retriable: false, summary: 'the message text is empty' },
  TEXT_TOO_LONG: { retriable: false, summary: 'the message text exceeds the configured limit' },
  INVALID_UTF8: { retriable: false, summary: 'the message text is not valid UTF-8' },
  VIEW_MISSING: { retriable: false, summary: 'no configured model can use the feature views present' },
  INFERENCE_FAILED: { retriable: false, summary: 'the model rejected its input' },
  STORE_UNAVAILABLE: { retriable: true, summary: 'the online store did not answer' },
  BROKER_UNAVAILABLE: { retriable: true, summary: 'Kafka did not acknowledge the write' },
  BROKER_REJECTED: {
    retriable: false,
    summary: 'Kafka refused the record or request itself (too large, bad timestamp, more replicas than brokers…)',
  },
  // Never dead-lettered: the record is read again, by this instance or by its partition's new owner.
  REVOKED: {
    retriable: false,
    summary:
      'the input partition was reassigned (rebalance, fencing, a failed transaction) while the record was in flight',
  },
  REGISTRY_UNAVAILABLE: { retriable: true, summary: 'the schema registry did not answer' },
  INTERNAL: { retriable: false, summary: 'an unexpected error; the record is kept in the dead-letter topic' },
  // Requests refused by the HTTP edge: `retriable` tells the client whether the same request may succeed later.
  INVALID_REQUEST: {
    retriable: false,
    summary: 'the request does not match its schema: bad JSON, a wrong type, a missing or unknown field',
  },
  IDEMPOTENCY_CONFLICT: {
    retriable: false,
    summary: 'the Idempotency-Key was already used for a request with another body',
  },
  NOT_FOUND: { retriable: false, summary: 'nothing is stored under the id, or there is no such route' },
  METHOD_NOT_ALLOWED: { retriable: false, summary: 'the path exists, but not with this method (see Allow)' },
  UNKNOWN_MODEL: { retriable: false, summary: 'no loaded model has the requested version' },
  PAYLOAD_TOO_LARGE: { retriable: false, summary: 'the request body exceeds the configured limit' },
  UNSUPPORTED_MEDIA_TYPE: { retriable: false, summary: 'the request body is not JSON' },
  UNAUTHORIZED: { retriable: false, summary: 'the endpoint requires an API key and none was sent' },
  FORBIDDEN: { retriable: false, summary: 'the API key sent is not the configured one' },
  RATE_LIMITED: { retriable: true, summary: 'the client sent more requests than its per-minute allowance' },
  NOT_READY: { retriable: true, summary: 'a dependency of the edge (Kafka, registry, Cassandra) is unreachable' },
} as const satisfies Record<string, { retriable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERRORS;

export const isRetriable = (code: ErrorCode): boolean => ERRORS[code].retriable;

/** An error that carries its catalogue code. Thrown only at the edges; inside streams failures are values. */
export class SpamstreamError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpamstreamError';
    this.code = code;
  }
  get retriable(): boolean {
    return isRetriable(this.code);
  }
}
