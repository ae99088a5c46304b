// Failures are values: a step returns Ok or Failure, so one bad record never errors a stream.
import { type ErrorCode, SpamstreamError, isRetriable } from './errors.ts';

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}
export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly reason: string;
  readonly retriable: boolean;
}
export type Result<T> = Ok<T> | Failure;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });

export const fail = (code: ErrorCode, reason: string): Failure => ({
  ok: false,
  code,
  reason,
  retriable: isRetriable(code),
});

/** Turns anything thrown into a Failure, keeping a catalogue code when the error carries one. */
export function failureFrom(error: unknown, fallback: ErrorCode = 'INTERNAL'): Failure {
  if (error instanceof SpamstreamError) return fail(error.code, error.message);
  return fail(fallback, error instanceof Error ? error.message : String(error));
}

/** Runs a step with its `try` inside, so a throw becomes a Failure value. */
export async function attempt<T>(step: () => Promise<T> | T, fallback: ErrorCode = 'INTERNAL'): Promise<Result<T>> {
  try {
    return ok(await step());
  } catch (error) {
    return failureFrom(error, fallback);
  }
}
