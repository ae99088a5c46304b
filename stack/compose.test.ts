// docker-compose.yml describes the same servers as the launcher for machines with Docker; these tests
// keep the two in step. `docker compose config` needs only the client, so it runs wherever one is installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, unknownVariables } from '../config/config.ts';
import { processorSpecs } from '../topology/graph.ts';
import { testSettings } from '../testkit/stack-settings.ts';
import { SPAWNING_TEST_TIMEOUT_MS } from '../testkit/spawn-timeout.ts';

interface Service {
  image: string;
  profiles?: string[];
  command?: string[];
  restart?: string;
  read_only?: boolean;
  cap_drop?: string[];
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }>;
  ports: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  mem_limit?: string;
}

const root = join(import.meta.dirname, '..');
const composeFile = join(root, 'docker-compose.yml');
const compose = parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const stack = testSettings().stack;
/** The servers: what `docker compose up` starts without a profile. */
const servers = Object.fromEntries(Object.entries(compose.services).filter(([, service]) => !service.profiles));
const app = Object.fromEntries(
  Object.entries(compose.services).filter(([, service]) => service.profiles?.includes('app')),
);
const composeAvailable = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;

describe('docker-compose.yml', () => {
  it("runs the launcher's versions of the five servers", () => {
    expect(Object.keys(servers).sort()).toEqual(['cassandra', 'connect', 'kafka', 'postgres', 'registry']);
    expect(compose.services.postgres?.image).toBe(`postgres:${stack.postgresVersion.split('.')[0]}`);
    expect(compose.services.connect?.image).toBe(`quay.io/debezium/connect:${stack.debeziumVersion}`);
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${stack.kafkaVersion}`);
    expect(compose.services.registry?.image).toBe(`apicurio/apicurio-registry:${stack.apicurioVersion}`);
    expect(compose.services.cassandra?.image).toBe(`cassandra:${stack.cassandraVersion}`);
  });

  it('publishes the default ports on loopback only', () => {
    expect(compose.services.kafka?.ports).toEqual([`127.0.0.1:${stack.kafkaPort}:9092`]);
    expect(compose.services.registry?.ports).toEqual([`127.0.0.1:${stack.registryPort}:8080`]);
    expect(compose.services.cassandra?.ports).toEqual([`127.0.0.1:${stack.cassandraPort}:9042`]);
    expect(compose.services.postgres?.ports).toEqual([`127.0.0.1:${stack.postgresPort}:5432`]);
    expect(compose.services.connect?.ports).toEqual([`127.0.0.1:${stack.connectPort}:8083`]);
  });

  it('gives every service that keeps running a health check, and every service a memory limit', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.mem_limit, name).toMatch(/^\d+[mg]$/);
      if (service.restart === 'no') continue; // a one-shot step: done is its health
      expect(service.healthcheck?.test?.length, name).toBeGreaterThan(0);
    }
  });

  it('configures Kafka like the launcher: one node, replication factor 1, no auto-created topics', () => {
    const env = compose.services.kafka?.environment ?? {};
    expect(String(env.KAFKA_PROCESS_ROLES)).toBe('broker,controller');
    expect(String(env.KAFKA_ADVERTISED_LISTENERS).split(',')[0]).toBe(`PLAINTEXT://127.0.0.1:${stack.kafkaPort}`);
    for (const key of [
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
      'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
    ]) {
      expect(String(env[key]), key).toBe('1');
    }
    expect(String(env.KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS)).toBe('0');
    expect(String(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE)).toBe('false');
    expect(Buffer.from(String(env.CLUSTER_ID), 'base64url')).toHaveLength(16);
  });

  it("keeps the registry's schemas in an H2 file on a named volume, as the launcher does", () => {
    const registry = compose.services.registry;
    const env = registry?.environment ?? {};
    expect(env.APICURIO_STORAGE_KIND).toBe('sql');
    expect(env.APICURIO_STORAGE_SQL_KIND).toBe('h2');
    const file = /^jdbc:h2:file:(\/[^;]+)\/[^/;]+;WRITE_DELAY=0$/.exec(String(env.APICURIO_DATASOURCE_URL));
    expect(file, String(env.APICURIO_DATASOURCE_URL)).not.toBeNull();
    const mounts = (registry?.volumes ?? []).map((volume) => volume.split(':'));
    expect(mounts.some(([name, target]) => name === 'registry-data' && file![1]!.startsWith(`${target}/`))).toBe(true);
    expect(Object.keys(compose.volumes ?? {})).toContain('registry-data');
  });

  it('runs each processor of the topology and the edge from the image under the app profile, after topology apply', () => {
    const parts = [...processorSpecs(loadConfig({ SPAMSTREAM_CDC: 'on' })).map((p) => p.name), 'edge'];
    expect(Object.keys(app).sort()).toEqual([...parts, 'topology'].sort());
    expect(app.topology?.command).toEqual(['topology', 'apply']);
    expect(app.topology?.restart).toBe('no');
    for (const part of parts) {
      const service = app[part]!;
      expect(service.command, part).toEqual(['run', part]);
      expect(service.depends_on?.topology, part).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('runs the app as an orchestrator would, with settings the table knows', () => {
    for (const [name, service] of Object.entries(app)) {
      expect(service.image, name).toMatch(/spamstream/);
      expect(service.read_only, name).toBe(true);
      expect(service.cap_drop, name).toEqual(['ALL']);
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, String(v)]));
      expect(unknownVariables(env), name).toEqual([]);
      const config = loadConfig(env);
      // Longer than the shutdown deadline, so a draining part is never killed.
      expect(Number.parseInt(service.stop_grace_period ?? '0', 10) * 1000, name).toBeGreaterThan(
        config.pipeline.shutdownTimeoutMs,
      );
      // The servers by their service names on compose's network, never the host's loopback.
      expect(config.kafka.brokers, name).toEqual(['kafka:29092']);
      expect(new URL(config.registry.url).hostname, name).toBe('registry');
      expect(config.cassandra.contactPoints, name).toEqual(['cassandra:9042']);
    }
    expect(app.edge?.ports).toEqual(['127.0.0.1:8080:8080']);
  });

  it.runIf(composeAvailable)(
    'is accepted by `docker compose config` (runs where the Docker client has compose)',
    () => {
      const result = spawnSync('docker', ['compose', '-f', composeFile, 'config', '--quiet'], { encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    },
    SPAWNING_TEST_TIMEOUT_MS,
  );
});
