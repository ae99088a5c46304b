// The cluster's nodes as `stack status` and `stack up` see them: each probed on its own, one killed
// shows as that one down, and `stack up` starts it again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { stackStatus, stackUp } from '../../stack/index.ts';
import { isAlive } from '../../stack/process.ts';
import { serverDir } from '../../stack/server.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const config = loadConfig();

describe("the local cluster's nodes", () => {
  it('are listed one by one, each answering', async () => {
    const report = await stackStatus(config);
    expect(report.servers.map((s) => [s.name, s.state])).toEqual(
      [
        'kafka-1',
        'kafka-2',
        'kafka-3',
        'registry-1',
        'registry-2',
        'cassandra-1',
        'cassandra-2',
        'cassandra-3',
        ...(config.cdc.enabled ? ['postgres-1', 'connect-1'] : []),
      ].map((name) => [name, 'running']),
    );
  });

  it('show a killed broker as that node down, the others up, and `stack up` starts it again', async () => {
    const pid = Number(readFileSync(join(serverDir(config, 'kafka-3'), 'pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await waitUntil('the killed broker is gone', () => !isAlive(pid));
    const down = await stackStatus(config);
    const state = (name: string) => down.servers.find((s) => s.name === name)?.state;
    expect(state('kafka-3')).toBe('down');
    expect([state('kafka-1'), state('kafka-2'), state('cassandra-3')]).toEqual(['running', 'running', 'running']);

    const up = await stackUp(config);
    expect(up.servers.find((s) => s.name === 'kafka-3')).toMatchObject({ state: 'started' });
    expect(up.ok).toBe(true);
    expect((await stackStatus(config)).ok).toBe(true);
  });
});
