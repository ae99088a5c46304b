import { globSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Config,
  ConfigError,
  loadConfig,
  maskSecrets,
  postgresConnectionUrl,
  unknownVariables,
} from './config.ts';
import { SETTINGS, type SettingSpec } from './settings.ts';

const CWD = '/repo';

/** The value a setting's key names in a loaded configuration. */
function valueAt(config: Config, key: string): unknown {
  const [section, field] = key.split('.') as [keyof Config, string];
  expect(config[section], key).toBeDefined();
  expect(Object.keys(config[section]), key).toContain(field);
  return (config[section] as unknown as Record<string, unknown>)[field];
}

/** Settings that name a directory are resolved against the working directory. */
const PATHS = new Set(['stack.cacheDir', 'stack.dataDir', 'pipeline.modelsDir', 'pipeline.localModelsDir']);

/**
 * Values to try for a setting, with what the configuration must then hold: written here by hand
 * per kind of default, and for the few settings whose accepted values are a closed set.
 */
const ENUM_SAMPLES: Record<string, string> = {
  'stack.mode': 'external',
  'pipeline.delivery': 'at-least-once',
  'edge.logLevel': 'debug',
  'pipeline.logLevel': 'debug',
  'pipeline.logFormat': 'json',
  'cassandra.readConsistency': 'QUORUM',
  'cassandra.writeConsistency': 'ALL',
  'cassandra.serialConsistency': 'SERIAL',
  'kafka.saslMechanism': 'scram-sha-512',
  'topics.compression': 'gzip',
  'edge.champion': 'v2',
};
/** Settings whose values no kind of sample above fits. */
const OTHER_SAMPLES: Record<string, [raw: string, expected: unknown][]> = {
  'stack.nodes': [['3', 3]],
  'stack.clusterAddresses': [['10.0.0.1, 10.0.0.2,10.0.0.3', ['10.0.0.1', '10.0.0.2', '10.0.0.3']]],
};
function samples(spec: SettingSpec, fallback: unknown): [raw: string, expected: unknown][] {
  if (OTHER_SAMPLES[spec.key]) return OTHER_SAMPLES[spec.key]!;
  const enumSample = ENUM_SAMPLES[spec.key];
  if (enumSample) return [[enumSample, enumSample]];
  if (typeof fallback === 'number')
    return [
      [String(fallback + 1), fallback + 1],
      [String(fallback - 1), fallback - 1],
    ];
  if (typeof fallback === 'boolean') return [[fallback ? 'false' : 'yes', !fallback]];
  if (Array.isArray(fallback))
    return [
      ['host-a:1, host-b:2', ['host-a:1', 'host-b:2']],
      ['v7,v8', ['v7', 'v8']],
      ['http://r1.example:8081,http://r2.example:8081', ['http://r1.example:8081', 'http://r2.example:8081']],
    ];
  if (PATHS.has(spec.key)) return [['/elsewhere/dir', '/elsewhere/dir']];
  if (typeof fallback === 'string' && fallback.startsWith('postgres://'))
    return [['postgres://app@db.example:6432/inbox', 'postgres://app@db.example:6432/inbox']];
  if (typeof fallback === 'string' && fallback.startsWith('http'))
    return [['http://registry.example:18081/api', 'http://registry.example:18081/api']];
  return [['othervalue', 'othervalue']];
}

/** The documentation writes a default as text; render the loaded value the same way and compare. */
function expectDocumentedDefault(spec: SettingSpec, config: Config, text: string): void {
  const loaded = valueAt(config, spec.key);
  let documented = text.replace(/\$(SPAMSTREAM_[A-Z_]+)/g, (_m, name: string) => {
    const other = SETTINGS.find((candidate) => candidate.env === name)!;
    return String(valueAt(config, other.key));
  });
  if (documented.startsWith('~/')) documented = `${homedir()}${documented.slice(1)}`;
  const rendered = typeof loaded === 'string' ? loaded : JSON.stringify(loaded);
  const expected: Record<string, string> = { '(all)': '[]', '(none)': '', '(auto)': '', '(best card F1)': '' };
  if (spec.key === 'stack.mode')
    expect(loaded).toBe('local'); // auto, resolved: no endpoint is set
  else if (Array.isArray(loaded)) expect(loaded.join(',')).toBe(documented in expected ? '' : documented);
  else if (PATHS.has(spec.key)) expect(loaded).toBe(resolve(CWD, documented));
  else expect(rendered).toBe(expected[documented] ?? documented);
}

describe('loadConfig', () => {
  it('has a default for every setting, and the local stack by default', () => {
    const config = loadConfig({}, '/repo');
    expect(config.stack.mode).toBe('local');
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.registry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.stack.dataDir).toBe('/repo/.stack');
    expect(config.pipeline.delivery).toBe('exactly-once');
  });

  it('has a distinct environment variable and key for every setting of the table', () => {
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.key)).size).toBe(SETTINGS.length);
    for (const spec of SETTINGS) expect(spec.env).toMatch(/^SPAMSTREAM_[A-Z0-9_]+$/);
  });

  it.each(SETTINGS.map((spec) => [spec.env, spec] as const))(
    '%s: its documented default is the loaded default',
    (_env, spec) => expectDocumentedDefault(spec, loadConfig({}, CWD), spec.defaultText),
  );

  it.each(SETTINGS.map((spec) => [spec.env, spec] as const))(
    '%s: its documented cluster default is the loaded default with SPAMSTREAM_STACK_NODES=3',
    (_env, spec) =>
      expectDocumentedDefault(
        spec,
        loadConfig({ SPAMSTREAM_STACK_NODES: '3' }, CWD),
        (spec as SettingSpec).clusterDefaultText ?? spec.defaultText,
      ),
  );

  it.each(SETTINGS.map((spec) => [spec.env, spec] as const))('%s: sets the value its key names', (env, spec) => {
    const fallback = valueAt(loadConfig({}, CWD), spec.key);
    const accepted = samples(spec, fallback).filter(([raw]) => !(spec.parse(raw) instanceof Error));
    expect(accepted.length, `no sample value of ${env} is accepted`).toBeGreaterThan(0);
    for (const [raw, expected] of accepted) {
      expect(expected).not.toEqual(fallback);
      expect(valueAt(loadConfig({ [env]: raw }, CWD), spec.key)).toEqual(expected);
    }
  });

  it('takes a champion that is a version among those scored, and refuses one that is not', () => {
    expect(loadConfig({ SPAMSTREAM_CHAMPION: 'v2' }).edge.champion).toBe('v2');
    expect(loadConfig({ SPAMSTREAM_CHAMPION: 'v3', SPAMSTREAM_MODELS: 'v1,v3' }).edge.champion).toBe('v3');
    expect(() => loadConfig({ SPAMSTREAM_CHAMPION: 'v2', SPAMSTREAM_MODELS: 'v1,v3' })).toThrow(
      /SPAMSTREAM_CHAMPION=v2: not among the versions scored \(SPAMSTREAM_MODELS=v1,v3\)/,
    );
    expect(() => loadConfig({ SPAMSTREAM_CHAMPION: 'best' })).toThrow(
      /SPAMSTREAM_CHAMPION="best": expected a model version/,
    );
  });

  it('reads settings from their environment variables', () => {
    const config = loadConfig({
      SPAMSTREAM_KAFKA_PORT: '19092',
      SPAMSTREAM_MODELS: 'v1, v3',
      SPAMSTREAM_EDGE: 'false',
      SPAMSTREAM_DELIVERY: 'at-least-once',
    });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']); // the default follows the local port
    expect(config.pipeline.models).toEqual(['v1', 'v3']);
    expect(config.edge.enabled).toBe(false);
    expect(config.pipeline.delivery).toBe('at-least-once');
  });

  it('works on every partition of a topic at once unless told otherwise', () => {
    expect(loadConfig({}).pipeline.partitionsConcurrently).toBe(6);
    expect(loadConfig({ SPAMSTREAM_TOPIC_PARTITIONS: '12' }).pipeline.partitionsConcurrently).toBe(12);
    const set = { SPAMSTREAM_TOPIC_PARTITIONS: '12', SPAMSTREAM_PARTITIONS_CONCURRENTLY: '2' };
    expect(loadConfig(set).pipeline.partitionsConcurrently).toBe(2);
  });

  it('compresses the feature history with zstd unless told otherwise, and checks the codec and topic names', () => {
    expect(loadConfig({}).topics).toMatchObject({ compression: 'zstd', compressed: ['sms.features'] });
    expect(loadConfig({ SPAMSTREAM_TOPIC_FEATURES: 'history' }).topics.compressed).toEqual(['history']);
    const set = { SPAMSTREAM_TOPIC_COMPRESSED: 'sms.features, sms.predictions', SPAMSTREAM_TOPIC_COMPRESSION: 'gzip' };
    expect(loadConfig(set).topics).toMatchObject({
      compression: 'gzip',
      compressed: ['sms.features', 'sms.predictions'],
    });
    expect(() => loadConfig({ SPAMSTREAM_TOPIC_COMPRESSION: 'lz4' })).toThrow(/expected one of none, gzip, zstd/);
    expect(() => loadConfig({ SPAMSTREAM_TOPIC_COMPRESSED: 'ok,not ok' })).toThrow(/expected a Kafka topic name/);
  });

  it('runs one node of each server, or a cluster of three on three addresses of its own', () => {
    expect(loadConfig({}).stack).toMatchObject({ nodes: 1, clusterAddresses: ['127.0.2.1', '127.0.2.2', '127.0.2.3'] });
    expect(loadConfig({ SPAMSTREAM_STACK_NODES: '3' }, CWD).stack).toMatchObject({
      nodes: 3,
      dataDir: '/repo/.stack-cluster',
    });
    expect(() => loadConfig({ SPAMSTREAM_STACK_NODES: '2' })).toThrow(/expected 1 \(one of each server\) or 3/);
    const addresses = (raw: string) => () => loadConfig({ SPAMSTREAM_STACK_CLUSTER_ADDRESSES: raw });
    expect(addresses('127.0.2.1,127.0.2.2')).toThrow(/expected three different addresses/);
    expect(addresses('127.0.2.1,127.0.2.1,127.0.2.3')).toThrow(/expected three different addresses/);
    expect(addresses('127.0.2.1,localhost,127.0.2.3')).toThrow(/expected IPv4 addresses, got localhost/);
  });

  it('switches to external servers when an endpoint is set, unless told otherwise', () => {
    expect(loadConfig({ SPAMSTREAM_KAFKA_BROKERS: 'kafka:9092' }).stack.mode).toBe('external');
    expect(loadConfig({ SPAMSTREAM_KAFKA_BROKERS: 'kafka:9092', SPAMSTREAM_STACK: 'local' }).stack.mode).toBe('local');
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        SPAMSTREAM_KAFKA_BROKERS: 'no-port',
        SPAMSTREAM_EDGE_PORT: '99999',
        SPAMSTREAM_DELIVERY: 'sometimes',
        SPAMSTREAM_SCHEMA_REGISTRY_URL: 'ftp://x',
      });
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

describe('secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spamstream-secret-'));
  const file = join(dir, 'password');
  writeFileSync(file, 's3cr3t-from-file\n');

  it('reads a password from its variable or from the file its _FILE variable names (without the final newline)', () => {
    expect(loadConfig({ SPAMSTREAM_KAFKA_SASL_PASSWORD: 'direct' }).kafka.saslPassword).toBe('direct');
    expect(loadConfig({ SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE: file }).kafka.saslPassword).toBe('s3cr3t-from-file');
    expect(loadConfig({ SPAMSTREAM_CASSANDRA_PASSWORD_FILE: file }).cassandra.password).toBe('s3cr3t-from-file');
    expect(loadConfig({ SPAMSTREAM_SCHEMA_REGISTRY_PASSWORD_FILE: file }).registry.password).toBe('s3cr3t-from-file');
    expect(loadConfig({ SPAMSTREAM_POSTGRES_PASSWORD_FILE: file }).cdc.postgresPassword).toBe('s3cr3t-from-file');
  });

  it('refuses both at once, or a file it cannot read, naming the variable and never the secret', () => {
    let error: unknown;
    try {
      loadConfig({
        SPAMSTREAM_KAFKA_SASL_PASSWORD: 'hunter2',
        SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE: file,
        SPAMSTREAM_CASSANDRA_PASSWORD_FILE: join(dir, 'missing'),
      });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigError).problems).toEqual([
      'SPAMSTREAM_KAFKA_SASL_PASSWORD and SPAMSTREAM_KAFKA_SASL_PASSWORD_FILE are both set: set one',
      `SPAMSTREAM_CASSANDRA_PASSWORD_FILE=${JSON.stringify(join(dir, 'missing'))}: cannot read it (ENOENT)`,
    ]);
    expect((error as ConfigError).message).not.toContain('hunter2');
    expect((error as ConfigError).message).not.toContain('s3cr3t');
  });

  it('masks every secret and a password inside a URL, and leaves the rest as loaded', () => {
    const config = loadConfig({
      SPAMSTREAM_KAFKA_SASL_PASSWORD: 'k-pass',
      SPAMSTREAM_KAFKA_SASL_USERNAME: 'alice',
      SPAMSTREAM_CASSANDRA_PASSWORD_FILE: file,
      SPAMSTREAM_SCHEMA_REGISTRY_PASSWORD: 'r-pass',
      SPAMSTREAM_POSTGRES_URL: 'postgres://app:pg-pass@db:5432/inbox',
    });
    const shown = JSON.stringify(maskSecrets(config));
    for (const secret of ['k-pass', 's3cr3t', 'r-pass', 'pg-pass']) expect(shown).not.toContain(secret);
    const masked = maskSecrets(config);
    expect(masked.kafka).toMatchObject({ saslUsername: 'alice', saslPassword: '********' });
    expect(masked.cdc.postgresUrl).toBe('postgres://app:********@db:5432/inbox');
    expect(masked.cdc.postgresPassword).toBe('');
    expect(config.kafka.saslPassword).toBe('k-pass');
  });

  it('puts SPAMSTREAM_POSTGRES_PASSWORD into the connection URL, encoded', () => {
    const config = loadConfig({
      SPAMSTREAM_POSTGRES_URL: 'postgres://app@db:5432/inbox',
      SPAMSTREAM_POSTGRES_PASSWORD: 'p@ss/w:rd',
    });
    const url = new URL(postgresConnectionUrl(config.cdc));
    expect(decodeURIComponent(url.password)).toBe('p@ss/w:rd');
    expect(url.username).toBe('app');
    expect(postgresConnectionUrl(loadConfig({}).cdc)).toBe(loadConfig({}).cdc.postgresUrl);
  });
});

describe('unknownVariables', () => {
  it('names a misspelt variable and the setting it was closest to', () => {
    expect(unknownVariables({ SPAMSTREAM_KAFKA_BROKER: '127.0.0.1:9092' })).toEqual([
      'SPAMSTREAM_KAFKA_BROKER is not a setting; did you mean SPAMSTREAM_KAFKA_BROKERS? (npx spamstream config lists them all)',
    ]);
  });

  it('knows every setting, the _FILE form of secrets and the switches read outside the table', () => {
    const env = Object.fromEntries(
      [
        ...(SETTINGS as readonly SettingSpec[]).map((spec) => spec.env),
        'SPAMSTREAM_CASSANDRA_PASSWORD_FILE',
        'SPAMSTREAM_SKIP_FAULTS',
      ].map((name) => [name, 'x']),
    );
    expect(unknownVariables({ ...env, PATH: '/bin', OTHER_SPAMSTREAM_X: '1' })).toEqual([]);
  });

  it("knows every SPAMSTREAM_* variable the project's code reads, so using one never draws a warning", () => {
    const root = resolve(import.meta.dirname, '..');
    const files = globSync('**/*.ts', { cwd: root, exclude: (name) => name === 'node_modules' || name === '.git' });
    const read = new Set(
      files.flatMap((file) =>
        [...readFileSync(join(root, file), 'utf8').matchAll(/process\.env\.(SPAMSTREAM_[A-Z0-9_]+)/g)].map(
          (m) => m[1]!,
        ),
      ),
    );
    expect(read.size).toBeGreaterThan(0);
    expect(unknownVariables(Object.fromEntries([...read].map((name) => [name, 'x'])))).toEqual([]);
  });

  it('warns about a setting that no longer exists', () => {
    expect(unknownVariables({ SPAMSTREAM_RETRY_ATTEMPTS: '2' })[0]).toMatch(
      /^SPAMSTREAM_RETRY_ATTEMPTS is not a setting/,
    );
  });
});
