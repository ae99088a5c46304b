// `spamstream produce`, `label` and `consume` as a user runs them: real processes on the real
// stack, on topics of their own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { createKafkaClient } from '../../connectors/kafka/client.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import { applyTopology } from '../../topology/apply.ts';
import { dropRun } from '../../testkit/drop-run.ts';
import { isolatedEnv } from '../../testkit/pipeline-fixture.ts';

const root = join(import.meta.dirname, '..', '..');
const run = `cli${Date.now().toString(36)}`;
const env = isolatedEnv(run);
const config = loadConfig(env);
const kafka = createKafkaClient(config.kafka, '-cli-it');
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'bin', 'spamstream.js'), ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('the produce and consume commands', () => {
  const messaging = connectMessaging(config);
  beforeAll(() => applyTopology(applyPorts(config, messaging), config));
  afterAll(async () => {
    await messaging.close();
    await dropRun(config.kafka, run);
  });

  it('produce writes texts and file rows (keeping their ids), reports bad rows, and exits once acknowledged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'produce-'));
    const csv = join(dir, 'messages.csv');
    writeFileSync(csv, `sms_id,text\n${run}-a,"Free entry, text WIN to 80086"\n${run}-b,\n${run}-c,see you later\n`);
    const produced = cli('produce', 'first text', 'second text', '--file', csv, '--junk', '1');
    expect(produced.status, produced.stderr).toBe(0);
    expect(produced.stdout).toMatch(new RegExp(`produced 5 records to ${config.topics.raw.replaceAll('.', '\\.')}`));
    expect(produced.stderr).toMatch(/messages\.csv:3: skipped: no text/);
    // The ids made up for the TEXT arguments are printed, one line each, so a person can look them up.
    const printed = [...produced.stdout.matchAll(/^(sms-[0-9a-f-]{36}) {2}(".*")$/gm)].map((m) => [
      m[1],
      JSON.parse(m[2]!),
    ]);
    expect(printed.map(([, text]) => text)).toEqual(['first text', 'second text']);

    const consumed = cli('consume', config.topics.raw, '--from-beginning', '--max', '5', '--idle-timeout', '10');
    expect(consumed.status, consumed.stderr).toBe(0);
    const lines = consumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sms_id: string; text: string; source: string });
    expect(lines.map((l) => l.text).sort()).toEqual([
      'Free entry, text WIN to 80086',
      'first text',
      'second text',
      'see you later',
    ]);
    expect(lines.map((l) => l.sms_id)).toEqual(
      expect.arrayContaining([`${run}-a`, `${run}-c`, ...printed.map(([id]) => id)]),
    );
    expect(lines.every((l) => l.source === 'cli')).toBe(true);
    expect(consumed.stderr).toMatch(/not decodable: not the Confluent wire format/);
  });

  it("label sends every line, one given hours ahead of the broker's clock too, and exits once acknowledged", () => {
    const csv = join(mkdtempSync(join(tmpdir(), 'label-')), 'labels.csv');
    const ahead = new Date(Date.now() + 3 * 3_600_000).toISOString();
    writeFileSync(csv, `sms_id,label,labelled_at\n${run}-x,spam,\n${run}-y,ham,${ahead}\n${run}-z,ham,\n`);
    const labelled = cli('label', '--file', csv);
    expect(labelled.status, labelled.stderr).toBe(0);
    expect(labelled.stdout).toMatch(/labelled 3 messages \(1 spam, 2 ham\)/);
    const consumed = cli('consume', config.topics.labels, '--from-beginning', '--max', '3', '--idle-timeout', '10');
    expect(consumed.status, consumed.stderr).toBe(0);
    const labels = consumed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { sms_id: string; labelled_at: number });
    expect(labels.map((l) => l.sms_id).sort()).toEqual([`${run}-x`, `${run}-y`, `${run}-z`]);
    expect(labels.find((l) => l.sms_id === `${run}-y`)?.labelled_at).toBe(Date.parse(ahead));
  });

  it('produce --count cycles the input under fresh ids', () => {
    const produced = cli('produce', 'again and again', '--count', '3');
    expect(produced.status, produced.stderr).toBe(0);
    expect(produced.stdout).toMatch(/produced 3 records/);
  });

  it('consume --max N prints N records, however many more a fetch brought', () => {
    // A fetch brings many records of a partition at once: more than --max.
    expect(cli('produce', 'one of many', '--count', '60').status).toBe(0);
    const consumed = cli('consume', config.topics.raw, '--from-beginning', '--max', '2', '--idle-timeout', '10');
    expect(consumed.status, consumed.stderr).toBe(0);
    expect(consumed.stdout.trim().split('\n')).toHaveLength(2);
    expect(consumed.stderr).toMatch(/^2 record\(s\) from /m);
  });

  it('consume stops after the idle timeout on a quiet topic', () => {
    const started = Date.now();
    const consumed = cli('consume', config.topics.dlq, '--idle-timeout', '1');
    expect(consumed.status, consumed.stderr).toBe(0);
    expect(consumed.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  // Last: every consume above (stopped by --max, by the idle timeout) must have deleted its group.
  it('consume leaves no consumer group behind', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
      expect(groups.filter((id) => id.startsWith(`${config.pipeline.consumerGroupPrefix}.consume.`))).toEqual([]);
    } finally {
      await admin.disconnect();
    }
  });
});
