import { describe, expect, it } from 'vitest';
import { edgeHealthChecks } from './edge-wiring.ts';

const answering = () => Promise.resolve();
const config = { cdc: { connectUrl: 'http://127.0.0.1:1', connector: 'none' } } as Parameters<
  typeof edgeHealthChecks
>[0];

describe('edgeHealthChecks', () => {
  it('checks Kafka, the registry and Cassandra, each through its own port', async () => {
    const down = (name: string) => () => Promise.reject(new Error(`${name} down`));
    const checks = edgeHealthChecks(
      config,
      { pingKafka: down('kafka'), registry: { ping: down('registry') } } as never,
      {
        ping: down('cassandra'),
      },
    );
    expect(checks.map((c) => c.name)).toEqual(['kafka', 'registry', 'cassandra']);
    for (const check of checks) await expect(check.check()).rejects.toThrow(`${check.name} down`);
  });

  it('adds PostgreSQL and Kafka Connect when there is an inbox (CDC on)', async () => {
    let pinged = 0;
    const checks = edgeHealthChecks(
      config,
      { pingKafka: answering, registry: { ping: answering } } as never,
      { ping: answering },
      { ping: async () => void (pinged += 1) },
    );
    expect(checks.map((c) => c.name)).toEqual(['kafka', 'registry', 'cassandra', 'postgres', 'connect']);
    await checks[3]!.check();
    expect(pinged).toBe(1);
  });
});
