// The registry client against a server that takes requests and never answers: every lookup must
// end with a retriable failure, never wait for good (a record waiting on it holds its processor).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpPeer, startHttpPeer } from '../../testkit/http-peer.ts';
import { createSchemaRegistryClient } from './schema-registry.ts';

describe('schema registry client', () => {
  let silent: HttpPeer;
  let url = '';
  beforeAll(async () => {
    silent = await startHttpPeer(() => {}); // reads each request, answers none
    url = silent.url;
  });
  afterAll(() => silent.close());

  it('gives up on a schema lookup the registry never answers, as a retriable failure', async () => {
    const client = createSchemaRegistryClient({ url });
    const started = Date.now();
    await expect(client.lookup.schemaById(2_130_706_473)).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);

  it('gives up on a latest-version lookup the registry never answers', async () => {
    const client = createSchemaRegistryClient({ url });
    await expect(client.lookup.latestId('sms.raw-value')).rejects.toMatchObject({ code: 'REGISTRY_UNAVAILABLE' });
  }, 30_000);
});
