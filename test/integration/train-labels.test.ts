// A model trained from labels on the real stack: messages of the data set go through the features
// processor, users label a few hundred of them (some twice), `npm run train -- --labels` trains the
// next version from sms.labels, sms.features and a CSV into a folder of models trained here, and
// its card names exactly that data; then `replay scoring --models v4` backfills it, a model that was
// in no folder when the pipeline started. Needs Python (training/.venv, made on first use);
// SPAMSTREAM_SKIP_PYTHON=1 skips it as it skips the training tests.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.ts';
import { readCard } from '../../models/card.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import { beginReplay, prepareReplay, runReplay } from '../../runtime/replay.ts';
import type { SmsFeatures, SmsLabel, SmsPrediction } from '../../schemas/index.ts';
import { DATA_CSV } from '../../testkit/data-set.ts';
import {
  type PipelineFixture,
  isolatedEnv,
  labelledMessages,
  pipelineFixture,
} from '../../testkit/pipeline-fixture.ts';
import { valueSubject } from '../../topology/topics.ts';

const MESSAGES = 400;
const LABELLED = 300;
/** Rows of the data set the test trains on besides the labels: enough for both classes, quick to fit. */
const CSV_ROWS = 1000;
const root = join(import.meta.dirname, '..', '..');

let fixture: PipelineFixture;
let pipeline: RunningPipeline;
let scratch: string;
let env: Record<string, string | undefined>;

/** Runs a command to its end with `env`; resolves with its exit code and what it wrote on stderr. */
function run(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(process.env.SPAMSTREAM_SKIP_PYTHON === '1')('a model trained from labels', () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'train-labels-'));
    fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_PARTITIONS: '2', SPAMSTREAM_STACK_DIR: scratch });
    env = {
      ...isolatedEnv(fixture.run),
      SPAMSTREAM_TOPIC_PARTITIONS: '2',
      SPAMSTREAM_STACK_DIR: scratch,
      SPAMSTREAM_LOCAL_MODELS_DIR: join(scratch, 'models.local'),
    };
    pipeline = await startParts(fixture.config, ['features'], () => {});
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await fixture?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('trains the next version from sms.labels and sms.features, and its card names that data', async () => {
    const messages = await labelledMessages(fixture.run, MESSAGES);
    await fixture.produceRaw(messages);
    await fixture.readTopic<SmsFeatures>(fixture.config.topics.features, { until: (r) => r.length >= MESSAGES });

    // The first 300 are labelled as the data set says; the first 20 of them were labelled wrong before.
    const now = Date.now();
    const labels: SmsLabel[] = [
      ...messages.slice(0, 20).map((m, i) => ({
        sms_id: m.sms_id,
        label: m.label === 'spam' ? 'ham' : 'spam',
        labelled_at: now - 60_000 + i,
        source: 'test',
      })),
      ...messages
        .slice(0, LABELLED)
        .map((m, i) => ({ sms_id: m.sms_id, label: m.label, labelled_at: now + i, source: 'test' })),
      // A label of a message the stream never saw: no features, left out of the training set.
      { sms_id: `${fixture.run}-unseen`, label: 'spam', labelled_at: now, source: 'test' },
    ];
    const topic = fixture.config.topics.labels;
    await fixture.messaging.writer.send(
      await Promise.all(
        labels.map(async (label) => ({
          topic,
          key: label.sms_id,
          value: await fixture.messaging.codec.encode(valueSubject(topic), label),
        })),
      ),
    );

    const csv = join(scratch, 'data.csv');
    writeFileSync(
      csv,
      `${readFileSync(DATA_CSV, 'utf8')
        .split('\n')
        .slice(0, CSV_ROWS + 1)
        .join('\n')}\n`,
    );
    const trained = await run([
      join(root, 'training', 'run.ts'),
      '--labels',
      '--data',
      csv,
      '--work-dir',
      join(scratch, 'work'),
      '--fast',
    ]);
    expect(trained.code, trained.stderr).toBe(0);

    const card = readCard(join(scratch, 'models.local', 'v4', 'card.json'));
    expect(card.version).toBe('v4');
    const data = card.trainingData as typeof card.trainingData & {
      labels: {
        topic: string;
        read: { partition: number; from: string; to: string }[];
        records: number;
        messages: number;
        withFeatures: number;
        withoutFeatures: number;
        labelledAt: { first: string; last: string };
        features: { topic: string; records: number; read: { from: string; to: string }[] };
      };
      rowsByOrigin: Record<string, Record<string, number>>;
    };
    expect(data.source).toEqual({
      file: 'data.csv',
      sha256: createHash('sha256').update(readFileSync(csv)).digest('hex'),
    });
    expect(data.labels).toMatchObject({
      topic,
      records: labels.length,
      messages: LABELLED + 1,
      withFeatures: LABELLED,
      withoutFeatures: 1,
      labelledAt: { first: new Date(now - 60_000).toISOString(), last: new Date(now + LABELLED - 1).toISOString() },
      features: { topic: fixture.config.topics.features, records: MESSAGES },
    });
    const offsets = (read: { from: string; to: string }[]) =>
      read.reduce((n, p) => n + Number(p.to) - Number(p.from), 0);
    expect(offsets(data.labels.read)).toBe(labels.length);
    expect(data.labels.read).toHaveLength(2);
    // The labelled messages are the data set's texts under other ids: those among the CSV's rows take
    // their side; every one is a row of its own ("labels"), never a data-set row relabelled.
    const byOrigin = (origin: string) =>
      (data.rowsByOrigin.train?.[origin] ?? 0) + (data.rowsByOrigin.validation?.[origin] ?? 0);
    expect(byOrigin('labels')).toBe(LABELLED);
    expect(byOrigin('data-set')).toBe(data.rows.train! + data.rows.validation! - LABELLED);
    expect(data.rows.train! + data.rows.validation!).toBeGreaterThan(CSV_ROWS + LABELLED - 20);

    const comparison = (card as unknown as { comparison: Record<string, unknown> }).comparison;
    expect(comparison.against).toBe('v3');
    expect(comparison.heldOut).toMatchObject({ rows: data.rows.validation });
    expect(Object.keys(comparison)).toEqual(expect.arrayContaining(['v3', 'v4']));
    expect(card.trainingDistribution?.[0]?.rows).toBe(data.rows.train);
    expect(trained.stderr).toContain('replay scoring --models v4');
  }, 600_000);

  it('backfills the new version with replay scoring --models v4, which no folder held when the pipeline started', async () => {
    const config = loadConfig(env);
    const request = { kind: 'scoring' as const, from: 'earliest', to: 'latest', models: ['v4'] };
    const prepared = await prepareReplay(config, request);
    await beginReplay(config, prepared);
    const replay = await runReplay(config, prepared.plan);
    const summary = await replay.finished;
    expect(summary.completed).toBe(true);
    const predictions = await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (r) => r.filter((p) => p.value.model_version === 'v4').length >= MESSAGES,
    });
    const v4 = predictions.filter((p) => p.value.model_version === 'v4');
    expect(new Set(v4.map((p) => p.value.sms_id)).size).toBe(MESSAGES);
    expect(v4[0]!.value.model).toBe('spam-tokens-and-stats-labelled');
  }, 300_000);
});
