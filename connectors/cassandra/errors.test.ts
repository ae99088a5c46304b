import { errors, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { SpamstreamError } from '../../core/errors.ts';
import { toStoreError } from './errors.ts';

const codes = types.responseErrorCodes;

describe('toStoreError', () => {
  it.each([
    ['no host available', new errors.NoHostAvailableError({})],
    ['a client-side timeout', new errors.OperationTimedOutError('timed out', '127.0.0.1:9042')],
    ['too few replicas', new errors.ResponseError(codes.unavailableException, 'unavailable')],
    ['a replica write timeout (also a contended LWT)', new errors.ResponseError(codes.writeTimeout, 'timeout')],
    ['a replica read timeout', new errors.ResponseError(codes.readTimeout, 'timeout')],
    ['an overloaded node', new errors.ResponseError(codes.overloaded, 'overloaded')],
    ['a refused socket', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    // What the driver hands every request in flight when the node dies (found by the fault suite).
    ['a connection closed mid-request',
      Object.assign(new Error('Socket was closed'), { name: 'DriverError', isSocketError: true })],
  ])('reports %s as STORE_UNAVAILABLE, retriable', (_case, cause) => {
    const error = toStoreError(cause, 'write features');
    expect(error).toBeInstanceOf(SpamstreamError);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.retriable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('write features');
  });

  it.each([
    ['a syntax error', new errors.ResponseError(codes.syntaxError, 'line 1:0 no viable alternative')],
    ['an invalid query', new errors.ResponseError(codes.invalid, 'unconfigured table')],
    ['a driver argument error', new errors.ArgumentError('bad value')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('reports %s as INTERNAL, not retriable', (_case, cause) => {
    const error = toStoreError(cause, 'read features');
    expect(error.code).toBe('INTERNAL');
    expect(error.retriable).toBe(false);
  });

  it('passes a SpamstreamError through unchanged', () => {
    const original = new SpamstreamError('INVALID_FIELD', 'bad event time');
    expect(toStoreError(original, 'write features')).toBe(original);
  });
});
