import { describe, expect, it } from 'vitest';
import { apicurioArtifact, registryJvmArgs } from './registry.ts';
import { testSettings } from './test-settings.ts';

describe('registry launch', () => {
  it('runs the Quarkus jar on loopback at the configured port and heap', () => {
    const settings = testSettings({ SPAMSTREAM_REGISTRY_PORT: '18081', SPAMSTREAM_REGISTRY_HEAP_MB: '384' });
    const args = registryJvmArgs(settings, '/cache/apicurio/dist');
    expect(args).toEqual(expect.arrayContaining(['-Xmx384m', '-Dquarkus.http.host=127.0.0.1', '-Dquarkus.http.port=18081', `-Dspamstream.stack=${settings.stack.dataDir}`]));
    expect(args.slice(-2)).toEqual(['-jar', '/cache/apicurio/dist/quarkus-run.jar']);
  });

  it('fetches the archive attached to the app artifact', () => {
    expect(apicurioArtifact('3.3.3')).toBe('io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all');
  });
});
