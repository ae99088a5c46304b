// Every error a client sees is `{error, message}` with a catalogue code (core/errors.ts) and a 4xx
// or 503; anything unexpected becomes a bare 500 whose details stay in the log. Fastify's own
// client errors (bad JSON, body too large, schema violations) are translated here too.
import type { FastifyError } from 'fastify';
import { type ErrorCode, SpamstreamError } from '../core/errors.ts';
import { NON_BLANK_PATTERN } from './schemas.ts';

export interface ErrorBody {
  readonly error: ErrorCode;
  readonly message: string;
}

export interface HttpFailure {
  readonly status: number;
  readonly body: ErrorBody;
  /** Whether this is our fault (log it as an error) rather than the client's. */
  readonly unexpected: boolean;
}

const STATUS: Partial<Record<ErrorCode, number>> = {
  INVALID_REQUEST: 400,
  INVALID_FIELD: 400,
  MISSING_FIELD: 400,
  EMPTY_TEXT: 400,
  TEXT_TOO_LONG: 400,
  INVALID_UTF8: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  IDEMPOTENCY_CONFLICT: 422,
  UNKNOWN_MODEL: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  STORE_UNAVAILABLE: 503,
  BROKER_UNAVAILABLE: 503,
  REGISTRY_UNAVAILABLE: 503,
  NOT_READY: 503,
};

/** Fastify's client-error codes that deserve a code more precise than INVALID_REQUEST. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

export const INTERNAL_FAILURE: HttpFailure = Object.freeze({
  status: 500,
  body: Object.freeze({ error: 'INTERNAL', message: 'internal error' }),
  unexpected: true,
});

export function httpFailure(error: unknown): HttpFailure {
  if (error instanceof SpamstreamError) {
    const status = STATUS[error.code];
    return status === undefined
      ? INTERNAL_FAILURE
      : { status, body: { error: error.code, message: error.message }, unexpected: false };
  }
  const fastifyError = error as Partial<FastifyError> | null;
  if (fastifyError?.validation) return validationFailure(fastifyError as FastifyError);
  const status = fastifyError?.statusCode;
  // Fastify marks the errors caused by the request with a 4xx status; their messages describe the
  // request (e.g. "Body is not valid JSON but content-type is set to 'application/json'").
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      (fastifyError?.code && FASTIFY_CODES[fastifyError.code]) || (status === 429 ? 'RATE_LIMITED' : 'INVALID_REQUEST');
    return { status, body: { error: code, message: fastifyError?.message || 'invalid request' }, unexpected: false };
  }
  return INTERNAL_FAILURE;
}

/**
 * A request its route's schema refused. Three keywords get a message of their own: a blank text
 * (the non-blank pattern) keeps the pipeline's EMPTY_TEXT, another pattern is explained by its
 * field's description, and an enum lists what it allows rather than Ajv's "must be equal to one of
 * the allowed values".
 */
function validationFailure(error: FastifyError): HttpFailure {
  const invalid = (code: ErrorCode, message: string): HttpFailure => ({
    status: 400,
    body: { error: code, message },
    unexpected: false,
  });
  const first = error.validation?.[0];
  if (first?.keyword === 'pattern' && first.params.pattern === NON_BLANK_PATTERN) {
    return invalid('EMPTY_TEXT', 'the text is empty or only white space');
  }
  // Ajv would quote the regular expression itself; the field's description says it in words.
  const description = (first as { parentSchema?: { description?: unknown } } | undefined)?.parentSchema?.description;
  if (first?.keyword === 'pattern' && typeof description === 'string') {
    const where = `${error.validationContext ?? 'request'}${first.instancePath}`;
    return invalid('INVALID_REQUEST', `${where} must be ${description}`);
  }
  if (first?.keyword === 'enum' && Array.isArray(first.params.allowedValues)) {
    const where = `${error.validationContext ?? 'request'}${first.instancePath}`;
    return invalid('INVALID_REQUEST', `${where} must be one of ${first.params.allowedValues.join(', ')}`);
  }
  return invalid('INVALID_REQUEST', error.message || 'invalid request');
}
