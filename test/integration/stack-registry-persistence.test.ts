// Records in Kafka outlive a restart of the registry, so the schema ids they carry must too. This test
// restarts the registry alone (Kafka and Cassandra keep running) and checks that what was registered
// before is still there under the same id, and that the id sequence goes on instead of starting again.
// Other clients of a shared stack see the registry refuse connections for the ~10-30 s of the restart.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { registryCall as rawRegistryCall } from '../../testkit/registry-call.ts';
import { stackDown, stackUp } from '../../stack/index.ts';
import { probeRegistry } from '../../stack/registry.ts';

const config = loadConfig();
const run = randomUUID().slice(0, 8);

const record = (name: string) => ({
  type: 'record',
  name,
  namespace: 'spamstream.stacktest',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'run', type: 'string', default: run },
  ],
});

const registryCall = (method: string, path: string, body?: object) =>
  rawRegistryCall(config.registry.url, method, path, body);

async function register(subject: string, schema: object): Promise<number> {
  const { status, json } = await registryCall('POST', `/subjects/${subject}/versions`, {
    schema: JSON.stringify(schema),
  });
  expect(status, JSON.stringify(json)).toBe(200);
  const { id } = json as { id?: unknown };
  expect(id).toEqual(expect.any(Number));
  return id as number;
}

// Whatever happens above, leave the registry running for the next test file and for other users.
afterAll(async () => {
  expect((await stackUp(config)).ok).toBe(true);
}, config.stack.startTimeoutMs + 10_000);

// An external registry is not ours to restart.
describe.runIf(config.stack.mode === 'local')('registry storage across a restart of the registry', () => {
  it(
    'keeps subjects and ids, and hands out fresh ids afterwards',
    async () => {
      const subject = `stack-test.persist.${run}-value`;
      const before = record(`Persisted_${run}`);
      const id = await register(subject, before);

      const [stopped] = await stackDown(config, { only: ['registry'] });
      // Anything but "stopped" means this stack did not run the registry, so nothing was restarted.
      expect(stopped).toMatchObject({ name: 'registry', outcome: 'stopped' });
      await expect(probeRegistry(config.registry.url)).rejects.toThrow();

      const report = await stackUp(config);
      expect(report.servers.find((s) => s.name === 'registry')).toMatchObject({ state: 'started' });
      expect(report.ok).toBe(true);

      const stored = await registryCall('GET', `/schemas/ids/${id}`);
      expect(stored.status).toBe(200);
      expect(JSON.parse((stored.json as { schema: string }).schema)).toEqual(before);
      expect((await registryCall('GET', `/subjects/${subject}/versions`)).json).toEqual([1]);
      expect((await registryCall('GET', `/subjects/${subject}/versions/1`)).json).toMatchObject({
        subject,
        version: 1,
        id,
      });
      // The same schema again is recognised as the stored one, not added as a second version.
      expect(await register(subject, before)).toBe(id);

      const fresh = await register(`stack-test.persist-after.${run}-value`, record(`FreshAfterRestart_${run}`));
      expect(fresh).toBeGreaterThan(id);
    },
    2 * config.stack.startTimeoutMs,
  );
});
