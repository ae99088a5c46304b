// `spamstream run cdc` and `run scoring` as an orchestrator runs them, each a process of its own:
// ready once its servers answer and its consumer has joined (cdc: and its connector runs), its
// metrics scraped while it works, SIGTERM drained to exit 0. (`run features` and `run edge`:
// shutdown.test.ts.)
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { cdcFixture } from '../../testkit/cdc-fixture.ts';
import { cdcEnv, isolatedEnv, labelledMessages, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'spamstream.js');

interface Part {
  readonly child: ChildProcess;
  readonly address: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
/** Kills what a failed test left running, before its fixture deletes the groups those children are in. */
const killChildren = () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
};
afterEach(killChildren);

/** Spawns `run <part>` and waits until its ops server answers /ready with 200. */
async function runAlone(part: string, env: Record<string, string | undefined>): Promise<Part> {
  const child = spawn(process.execPath, [bin, 'run', part], { cwd: root, env });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => void (output += chunk));
  child.stderr!.on('data', (chunk) => void (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let address = '';
  await waitUntil(`run ${part} logs its ops address`, async () => {
    if (child.exitCode !== null) throw new Error(`run ${part} exited:\n${output}`);
    address = /ops listening on (http:\/\/\S+)/.exec(output)?.[1] ?? '';
    return address !== '';
  });
  await waitUntil(`run ${part} is ready`, async () => (await fetch(`${address}/ready`)).status === 200);
  return { child, address, output: () => output, exited };
}

async function stopsCleanly(part: Part): Promise<void> {
  part.child.kill('SIGTERM');
  expect(await part.exited, part.output()).toBe(0);
  expect(part.output()).toMatch(/SIGTERM: draining and shutting down…\nstopped\n/);
}

describe('a processor run alone', () => {
  it('`run cdc` is ready with its connector running, turns rows into sms.raw, and drains on SIGTERM', async () => {
    const fixture = await cdcFixture();
    try {
      await fixture.waitForConnector();
      const cdc = await runAlone('cdc', { ...cdcEnv(fixture.run), SPAMSTREAM_TOPIC_PARTITIONS: '4' });
      const body = (await (await fetch(`${cdc.address}/ready`)).json()) as { checks: { name: string }[] };
      expect(body.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['connect', 'processors']));
      const [message] = await labelledMessages(fixture.run, 1);
      await fixture.sql.query(
        `INSERT INTO ${fixture.table} (user_id, sms_id, sender_id, sms_text) VALUES ($1, $2, $3, $4)`,
        ['user-1', message!.sms_id, '+447700900000', message!.text],
      );
      await fixture.readTopic(fixture.config.topics.raw, { until: (records) => records.length === 1 });
      expect(await (await fetch(`${cdc.address}/metrics`)).text()).toMatch(/processor="cdc"/);
      await stopsCleanly(cdc);
    } finally {
      killChildren();
      await fixture.close();
    }
  }, 240_000);

  it('`run scoring` is ready once in its group, scores what features wrote, and drains on SIGTERM', async () => {
    const fixture = await pipelineFixture();
    let features: RunningPipeline | undefined;
    try {
      features = await startParts(fixture.config, ['features'], () => {});
      const scoring = await runAlone('scoring', {
        ...isolatedEnv(fixture.run),
        SPAMSTREAM_TOPIC_PARTITIONS: '4',
        SPAMSTREAM_MODELS: 'v1',
      });
      await fixture.produceRaw(await labelledMessages(fixture.run, 20));
      await fixture.readTopic(fixture.config.topics.predictions, { until: (records) => records.length === 20 });
      expect(await (await fetch(`${scoring.address}/metrics`)).text()).toMatch(/processor="scoring"/);
      await stopsCleanly(scoring);
    } finally {
      killChildren();
      await features?.stop();
      await fixture.close();
    }
  }, 240_000);
});
