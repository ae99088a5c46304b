import { describe, expect, it } from 'vitest';
import { apicurioArtifact, registryDatabaseUrl, registryJvmArgs } from './registry.ts';
import { testSettings } from '../testkit/stack-settings.ts';

describe('registry launch', () => {
  it('runs the Quarkus jar on loopback at the configured port and heap', () => {
    const settings = testSettings({ SPAMSTREAM_REGISTRY_PORT: '18081', SPAMSTREAM_REGISTRY_HEAP_MB: '384' });
    const args = registryJvmArgs(settings, '/cache/apicurio/dist', '/s/registry');
    expect(args).toEqual(
      expect.arrayContaining([
        '-Xmx384m',
        '-Dquarkus.http.host=127.0.0.1',
        '-Dquarkus.http.port=18081',
        `-Dspamstream.stack=${settings.stack.dataDir}`,
      ]),
    );
    expect(args.slice(-2)).toEqual(['-jar', '/cache/apicurio/dist/quarkus-run.jar']);
  });

  it('keeps the schemas in an H2 file inside its own folder, written at every commit', () => {
    const args = registryJvmArgs(testSettings(), '/cache/apicurio/dist', '/s/registry');
    expect(args).toEqual(expect.arrayContaining(['-Dapicurio.storage.kind=sql', '-Dapicurio.storage.sql.kind=h2']));
    expect(args).toContain('-Dapicurio.datasource.url=jdbc:h2:file:/s/registry/db/registry;WRITE_DELAY=0');
    expect(args.filter((arg) => arg.includes('jdbc:h2:mem:'))).toEqual([]);
  });

  it('binds the management listener to loopback on the configured port', () => {
    const args = registryJvmArgs(testSettings({ SPAMSTREAM_REGISTRY_MANAGEMENT_PORT: '19000' }), '/d', '/s/registry');
    expect(args).toEqual(
      expect.arrayContaining(['-Dquarkus.management.host=127.0.0.1', '-Dquarkus.management.port=19000']),
    );
  });

  it('refuses a database path H2 would misread', () => {
    expect(() => registryDatabaseUrl('/data;x/registry')).toThrow(/without ';'/);
    expect(() => registryDatabaseUrl('.stack/registry')).toThrow(/absolute path/);
  });

  it('fetches the archive attached to the app artifact', () => {
    expect(apicurioArtifact('3.3.3')).toBe('io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all');
  });

  it("keeps a cluster instance's state in Kafka, listening on its node's address", () => {
    const instance = { name: 'registry-2' as const, host: '127.0.2.2', bootstrapServers: ['127.0.2.1:9092', 'b:9092'] };
    const args = registryJvmArgs(testSettings(), '/d', '/s/registry-2', instance);
    expect(args).toEqual(
      expect.arrayContaining([
        '-Dapicurio.storage.kind=kafkasql',
        '-Dapicurio.kafkasql.bootstrap.servers=127.0.2.1:9092,b:9092',
        '-Dquarkus.http.host=127.0.2.2',
        '-Dquarkus.management.host=127.0.2.2',
      ]),
    );
    expect(args.filter((arg) => /datasource|storage\.sql|topic\.replication/.test(arg))).toEqual([]);
  });
});
