import { SpamstreamError } from '../../core/errors.ts';

/** Cassandra's longest TTL (20 years). A TTL of 0 would mean "never expires", so it is refused. */
export const MAX_TTL_SECONDS = 630_720_000;

export function checkTtl(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) {
    throw new SpamstreamError(
      'INVALID_FIELD',
      `TTL ${ttlSeconds} s is not a whole number between 1 and ${MAX_TTL_SECONDS}`,
    );
  }
}
