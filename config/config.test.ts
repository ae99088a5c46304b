import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { SETTINGS } from './settings.ts';

describe('loadConfig', () => {
  it('has a default for every setting, and the local stack by default', () => {
    const config = loadConfig({}, '/repo');
    expect(config.stack.mode).toBe('local');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.registry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.stack.dataDir).toBe('/repo/.stack');
    expect(config.pipeline.delivery).toBe('exactly-once');
  });

  it('reads every setting from its environment variable', () => {
    const config = loadConfig({ SPAMSTREAM_KAFKA_PORT: '19092', SPAMSTREAM_MODELS: 'v1, v3', SPAMSTREAM_EDGE: 'false', SPAMSTREAM_DELIVERY: 'at-least-once' });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']); // the default follows the local port
    expect(config.pipeline.models).toEqual(['v1', 'v3']);
    expect(config.edge.enabled).toBe(false);
    expect(config.pipeline.delivery).toBe('at-least-once');
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
  });

  it('switches to external servers when an endpoint is set, unless told otherwise', () => {
    expect(loadConfig({ SPAMSTREAM_KAFKA_BROKERS: 'kafka:9092' }).stack.mode).toBe('external');
    expect(loadConfig({ SPAMSTREAM_KAFKA_BROKERS: 'kafka:9092', SPAMSTREAM_STACK: 'local' }).stack.mode).toBe('local');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({ SPAMSTREAM_KAFKA_BROKERS: 'no-port', SPAMSTREAM_EDGE_PORT: '99999', SPAMSTREAM_DELIVERY: 'sometimes', SPAMSTREAM_SCHEMA_REGISTRY_URL: 'ftp://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(4);
    expect((error as ConfigError).message).toContain('SPAMSTREAM_EDGE_PORT="99999"');
  });

  it('is frozen all the way down', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.kafka.brokers)).toBe(true);
    expect(() => {
      (config.edge as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
