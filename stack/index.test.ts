import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { bringUp, stackDown, stackStatus, waitUntilReady } from './index.ts';
import { isAlive, ownerMarker } from './process.ts';
import { type Server, replayStateDir } from './server.ts';
import { testSettings } from '../testkit/stack-settings.ts';
import { closedPort } from '../testkit/ports.ts';
import { SPAWNING_TEST_TIMEOUT_MS } from '../testkit/spawn-timeout.ts';

// stackDown asks `ps` whose a live pid is; bringUp and waitUntilReady start node.
describe('stackDown', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  it('leaves alone a live process that a stale pid file points at, and forgets the pid file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stack-down-'));
    const settings = testSettings({}, root);
    const kafkaDir = join(settings.stack.dataDir, 'kafka');
    mkdirSync(kafkaDir, { recursive: true });
    writeFileSync(join(kafkaDir, 'pid'), `${process.pid}\n`);
    const reports = await stackDown(settings);
    expect(reports.find((r) => r.name === 'kafka')).toEqual({ name: 'kafka', outcome: 'left alone', pid: process.pid });
    expect(reports.filter((r) => r.name !== 'kafka').map((r) => r.outcome)).toEqual([
      'not running',
      'not running',
      'not running',
      'not running',
    ]);
    expect(isAlive(process.pid)).toBe(true);
    expect(existsSync(join(kafkaDir, 'pid'))).toBe(false);
  });

  // A replay's state names offsets of this stack's Kafka: after a purge the same command answered
  // "this replay completed at …" for topics that no longer existed.
  it('deletes the data only with purge, the replays kept beside it too', async () => {
    const root = mkdtempSync(join(tmpdir(), 'stack-down-'));
    const settings = testSettings({}, root);
    const data = join(settings.stack.dataDir, 'cassandra', 'data');
    mkdirSync(data, { recursive: true });
    const replay = join(replayStateDir(settings.stack.dataDir), 'spamstream.replay.scoring.0123456789.json');
    mkdirSync(dirname(replay), { recursive: true });
    writeFileSync(replay, '{}\n');
    await stackDown(settings);
    expect(existsSync(data)).toBe(true);
    expect(existsSync(replay)).toBe(true);
    await stackDown(settings, { purge: true });
    expect(existsSync(settings.stack.dataDir)).toBe(false);
  });

  it("keeps the replays when a purge leaves Kafka's data", async () => {
    const root = mkdtempSync(join(tmpdir(), 'stack-down-'));
    const settings = testSettings({}, root);
    const replays = replayStateDir(settings.stack.dataDir);
    mkdirSync(replays, { recursive: true });
    await stackDown(settings, { purge: true, only: ['registry'] });
    expect(existsSync(replays)).toBe(true);
  });

  it("stops a cluster's numbered servers only: a single node's in the same folder stay up", async () => {
    const root = mkdtempSync(join(tmpdir(), 'stack-down-'));
    const settings = testSettings({ SPAMSTREAM_STACK_NODES: '3' }, root);
    const single = join(settings.stack.dataDir, 'postgres');
    mkdirSync(single, { recursive: true });
    writeFileSync(join(single, 'pid'), `${process.pid}\n`);
    const reports = await stackDown(settings);
    expect(reports.map((r) => r.name).sort()).toEqual([
      'cassandra-1',
      'cassandra-2',
      'cassandra-3',
      'connect-1',
      'kafka-1',
      'kafka-2',
      'kafka-3',
      'postgres-1',
      'registry-1',
      'registry-2',
    ]);
    expect(existsSync(join(single, 'pid'))).toBe(true);
  });

  it('stops nothing in external mode', async () => {
    expect(await stackDown(testSettings({ SPAMSTREAM_STACK: 'external' }))).toEqual([]);
  });
});

describe('stackStatus', () => {
  it('names every server that does not answer', async () => {
    const port = await closedPort();
    const settings = testSettings({
      SPAMSTREAM_KAFKA_BROKERS: `127.0.0.1:${port}`,
      SPAMSTREAM_SCHEMA_REGISTRY_URL: `http://127.0.0.1:${port}/apis/ccompat/v7`,
      SPAMSTREAM_CASSANDRA_CONTACT_POINTS: `127.0.0.1:${port}`,
      SPAMSTREAM_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/spamstream`,
      SPAMSTREAM_CONNECT_URL: `http://127.0.0.1:${port}`,
    });
    expect(settings.stack.mode).toBe('external');
    const report = await stackStatus(settings);
    expect(report.ok).toBe(false);
    expect(report.servers.map((s) => [s.name, s.state])).toEqual([
      ['kafka', 'down'],
      ['registry', 'down'],
      ['cassandra', 'down'],
      ['postgres', 'down'],
      ['connect', 'down'],
    ]);
    expect(report.servers.every((s) => /ECONNREFUSED/.test(s.detail ?? ''))).toBe(true);
  });
});

describe('waitUntilReady', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  const answering = { endpoint: '127.0.0.1:5432', probe: async () => {} };

  it('does not take an answer from another server for the one it started, once that one has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(1)']);
    await new Promise((resolve) => child.once('exit', resolve));
    const problem = await waitUntilReady(answering, child.pid!, Date.now() + 5_000);
    expect(problem).toMatch(/exited, and something else answers on 127\.0\.0\.1:5432/);
  });

  it('is ready when the process it started lives and answers', async () => {
    expect(await waitUntilReady(answering, process.pid, Date.now() + 5_000)).toBeUndefined();
  });
});

describe('bringUp', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  // `stack up` starts a server once the ones before it were fetched (and Connect once Kafka answers):
  // counted from the call, a Cassandra that answered 30 s after its start read as 5 minutes.
  it("counts a started server's seconds from its own start, not from the start of `stack up`", async () => {
    const root = mkdtempSync(join(tmpdir(), 'stack-up-'));
    const settings = testSettings({}, root);
    let launched = false;
    const server: Server = {
      name: 'kafka',
      endpoint: '127.0.0.1:9',
      prepare: async () => {
        launched = true;
        const marker = ownerMarker(settings.stack.dataDir);
        return { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)', '--', marker], cwd: root };
      },
      probe: async () => {
        if (!launched) throw new Error('not started');
      },
    };
    const lines: string[] = [];
    const calledAt = Date.now() - 300_000; // as if the servers before it took five minutes
    const report = await bringUp(server, settings, (line) => void lines.push(line), calledAt);
    try {
      expect(report.state).toBe('started');
      expect(lines[0]).toBe(`kafka: started (pid ${report.pid}), waiting for it to answer…`);
      const seconds = Number(/^kafka: answering after ([\d.]+)s$/.exec(lines[1] ?? '')?.[1]);
      expect(seconds).toBeLessThan(300);
      expect(report.seconds).toBe(seconds);
    } finally {
      if (report.pid && isAlive(report.pid)) process.kill(report.pid, 'SIGKILL');
    }
  });
});
