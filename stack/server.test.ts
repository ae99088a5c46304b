import { describe, expect, it } from 'vitest';
import { SERVER_NAMES, kindOf, stopWaves } from './server.ts';

describe('stopWaves', () => {
  it('stops Kafka Connect before the Kafka and PostgreSQL it reads, the rest together', () => {
    expect(stopWaves(SERVER_NAMES)).toEqual([
      ['registry', 'cassandra', 'connect'],
      ['kafka', 'postgres'],
    ]);
  });

  it('stops a subset in one wave when nothing in it needs another', () => {
    expect(stopWaves(['kafka', 'cassandra'])).toEqual([['kafka', 'cassandra']]);
  });

  it('stops every server it is given, once', () => {
    expect(stopWaves(SERVER_NAMES).flat().sort()).toEqual([...SERVER_NAMES].sort());
  });
});

describe('kindOf', () => {
  it('is the kind of a single node and of a numbered cluster instance', () => {
    expect(kindOf('connect')).toBe('connect');
    expect(kindOf('cassandra-3')).toBe('cassandra');
  });
});
