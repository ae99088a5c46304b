// Live quality end to end on the real stack: messages scored by every model, labelled over HTTP, by
// the CLI and by an SQL UPDATE of the inbox table; GET /models/:version/quality must report exactly
// the confusion counts computed here, apart, from sms.predictions and sms.labels — also after the
// quality processor (`spamstream run quality`, a process of its own) is killed with kill -9 mid-way,
// the predictions are replayed, every verdict is read again, and messages are labelled again.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableModels } from '../../connectors/model-runtime.ts';
import { type Confusion, NO_COUNTS, outcomeOf } from '../../core/confusion.ts';
import type { SpamLabel } from '../../core/message-rules.ts';
import { beginReplay, prepareReplay, runReplay } from '../../runtime/replay.ts';
import { resetProcessor } from '../../runtime/reset.ts';
import type { SmsLabel, SmsPrediction } from '../../schemas/index.ts';
import { type RunningCdcPipeline, runningCdcPipeline } from '../../testkit/cdc-fixture.ts';
import { cdcEnv, labelledMessages } from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'spamstream.js');
const BY_SQL = 60;
const BY_HTTP = 60;
const BY_CLI = 60;
const MESSAGES = BY_SQL + BY_HTTP + BY_CLI;

interface Child {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** The confusion counts by their definition: each message's latest label against each version's latest prediction. */
function expectedCounts(predictions: readonly SmsPrediction[], labels: readonly SmsLabel[]): Record<string, Confusion> {
  const label = new Map<string, SmsLabel>();
  for (const l of labels) {
    const known = label.get(l.sms_id);
    if (!known || l.labelled_at > known.labelled_at || (l.labelled_at === known.labelled_at && l.label > known.label))
      label.set(l.sms_id, l);
  }
  const latest = new Map<string, SmsPrediction>();
  for (const p of predictions) {
    const key = `${p.sms_id}|${p.model_version}`;
    const known = latest.get(key);
    const newer =
      !known ||
      p.event_time > known.event_time ||
      (p.event_time === known.event_time &&
        (p.scored_at > known.scored_at || (p.scored_at === known.scored_at && p.label > known.label)));
    if (newer) latest.set(key, p);
  }
  const counts: Record<string, { tp: number; fp: number; tn: number; fn: number }> = {};
  for (const p of latest.values()) {
    const given = label.get(p.sms_id);
    if (!given) continue;
    counts[p.model_version] ??= { ...NO_COUNTS };
    counts[p.model_version]![outcomeOf(given.label as SpamLabel, p.label as SpamLabel)] += 1;
  }
  return counts;
}

describe('live quality', () => {
  let fixture: RunningCdcPipeline;
  let env: Record<string, string | undefined>;
  let base: string;
  const children: ChildProcess[] = [];
  const models = availableModels('models');

  /** `spamstream <args>` as a process of its own, with the fixture's settings. */
  const spawnCli = (args: string[], extra: Record<string, string> = {}): Child => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...env, ...extra } });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => void (output += chunk));
    child.stderr!.on('data', (chunk) => void (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { child, output: () => output, exited };
  };

  /** `run quality`, ready once its ops server says so. Short sessions, so a killed instance leaves its group soon. */
  const runQuality = async (): Promise<Child> => {
    const quality = spawnCli(['run', 'quality'], {
      SPAMSTREAM_SESSION_TIMEOUT_MS: '6000',
      SPAMSTREAM_DRAIN_TIMEOUT_MS: '4000',
    });
    let address = '';
    await waitUntil('run quality logs its ops address', () => {
      if (quality.child.exitCode !== null) throw new Error(`run quality exited:\n${quality.output()}`);
      address = /ops listening on (http:\/\/\S+)/.exec(quality.output())?.[1] ?? '';
      return address !== '';
    });
    await waitUntil('run quality is ready', async () => (await fetch(`${address}/ready`)).status === 200, {
      timeoutMs: 90_000,
    });
    return quality;
  };

  const label = async (smsId: string, value: SpamLabel) => {
    const res = await fetch(`${base}/sms/${smsId}/label`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ label: value }),
    });
    expect(res.status).toBe(202);
  };

  const labelByCli = async (rows: readonly [string, SpamLabel][]) => {
    const file = join(mkdtempSync(join(tmpdir(), 'labels-')), 'labels.csv');
    writeFileSync(file, ['sms_id,label', ...rows.map(([id, l]) => `${id},${l}`)].join('\n'));
    const cli = spawnCli(['label', '--file', file]);
    expect(await cli.exited, cli.output()).toBe(0);
    expect(cli.output()).toContain(`labelled ${rows.length} messages`);
  };

  /** What the edge reports for every version, and what the topics say it should be. */
  const compare = async () => {
    const [predictions, labels] = await Promise.all([
      fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions),
      fixture.readTopic<SmsLabel>(fixture.config.topics.labels),
    ]);
    const expected = expectedCounts(
      predictions.map((r) => r.value),
      labels.map((r) => r.value),
    );
    const reported: Record<string, Confusion> = {};
    for (const version of models) {
      const body = (await (await fetch(`${base}/models/${version}/quality`)).json()) as { all: Confusion };
      const { tp, fp, tn, fn } = body.all;
      if (tp + fp + tn + fn > 0) reported[version] = { tp, fp, tn, fn };
    }
    return { expected, reported, labels: labels.length };
  };

  const exact = async (what: string, labelRecords: number) => {
    let last: Awaited<ReturnType<typeof compare>> | undefined;
    await waitUntil(
      what,
      async () => {
        last = await compare();
        return last.labels >= labelRecords && JSON.stringify(last.reported) === JSON.stringify(last.expected);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}: reported ${JSON.stringify(last?.reported)}, expected ${JSON.stringify(last?.expected)}`,
      );
    });
    return last!.expected;
  };

  beforeAll(async () => {
    // Replays keep their state under the stack's folder: a temporary one.
    fixture = await runningCdcPipeline(['cdc', 'features', 'scoring', 'verdicts', 'edge'], {
      SPAMSTREAM_STACK_DIR: mkdtempSync(join(tmpdir(), 'quality-')),
    });
    env = { ...cdcEnv(fixture.run), SPAMSTREAM_TOPIC_PARTITIONS: '4' };
    base = fixture.pipeline.edge!.address;
  }, 240_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await fixture?.close();
  });

  it('reports exactly the confusion counts of the labels given by HTTP, the CLI and SQL; through kill -9, a replay and relabels', async () => {
    const messages = await labelledMessages(fixture.run, MESSAGES);
    const truth = new Map(messages.map((m) => [m.sms_id, m.label as SpamLabel]));
    const bySql = messages.slice(0, BY_SQL);
    const byHttp = messages.slice(BY_SQL, BY_SQL + BY_HTTP);
    const byCli = messages.slice(BY_SQL + BY_HTTP);
    for (const [i, m] of bySql.entries())
      await fixture.sql.query(
        `INSERT INTO ${fixture.table} (user_id, sms_id, sender_id, sms_text) VALUES ($1, $2, $3, $4)`,
        [`user-${i % 3}`, m.sms_id, '+447700900000', m.text],
      );
    await fixture.produceRaw([...byHttp, ...byCli]);
    await fixture.readTopic(fixture.config.topics.predictions, { until: (r) => r.length >= MESSAGES * models.length });

    let quality = await runQuality();
    // A few users say the opposite of the data set, so every outcome occurs.
    const given = (id: string, i: number): SpamLabel =>
      i % 7 === 0 ? (truth.get(id) === 'spam' ? 'ham' : 'spam') : truth.get(id)!;
    for (const [i, m] of bySql.entries())
      await fixture.sql.query(`UPDATE ${fixture.table} SET user_label = $1 WHERE sms_id = $2`, [
        given(m.sms_id, i),
        m.sms_id,
      ]);
    for (const [i, m] of byHttp.entries()) await label(m.sms_id, given(m.sms_id, i));
    await labelByCli(byCli.map((m, i) => [m.sms_id, given(m.sms_id, i)]));
    const first = await exact('the edge reports the counts of every label given', MESSAGES);
    for (const version of models) expect(Object.values(first[version]!).reduce((a, b) => a + b, 0)).toBe(MESSAGES);
    expect(Object.values(first).some((c) => c.fp > 0 && c.fn > 0 && c.tp > 0 && c.tn > 0)).toBe(true);

    // Mid-way: relabels and a replay of every prediction under way, the quality processor killed.
    const flipped = (id: string): SpamLabel => (truth.get(id) === 'spam' ? 'ham' : 'spam');
    for (const m of byHttp.slice(0, 10)) await label(m.sms_id, flipped(m.sms_id));
    await waitUntil(
      'the first relabels are counted',
      async () => JSON.stringify((await compare()).reported) !== JSON.stringify(first),
      {
        timeoutMs: 60_000,
      },
    );
    const replayConfig = fixture.config;
    const prepared = await prepareReplay(replayConfig, { kind: 'scoring', from: 'earliest', to: 'latest' });
    await beginReplay(replayConfig, prepared);
    const replaying = await runReplay(replayConfig, prepared.plan, {});
    for (const m of byHttp.slice(10, 20)) await label(m.sms_id, flipped(m.sms_id));
    quality.child.kill('SIGKILL');
    expect(await quality.exited).toBeNull();
    await labelByCli(byCli.slice(0, 15).map((m) => [m.sms_id, flipped(m.sms_id)]));
    // An UPDATE that keeps the label sends nothing: only rows labelled ham now become spam.
    const toSpam = bySql.filter((m, i) => given(m.sms_id, i) === 'ham').slice(0, 10);
    await fixture.sql.query(`UPDATE ${fixture.table} SET user_label = 'spam' WHERE sms_id = ANY($1)`, [
      toSpam.map((m) => m.sms_id),
    ]);
    const summary = await replaying.finished;
    expect(summary.messages).toBeGreaterThanOrEqual(MESSAGES);

    // The next instance resumes from what the killed one committed: its state rebuilt from the stores.
    quality = await runQuality();
    const relabels = 20 + 15 + toSpam.length;
    const after = await exact(
      'the edge reports the counts after the crash, the replay and the relabels',
      MESSAGES + relabels,
    );
    expect(after).not.toEqual(first);
    quality.child.kill('SIGTERM');
    expect(await quality.exited, quality.output()).toBe(0);

    // Every verdict read again from the start, by two instances sharing the partitions: nothing counts twice.
    await resetProcessor(fixture.config, 'quality', 'earliest');
    const [one, two] = await Promise.all([runQuality(), runQuality()]);
    await exact('two instances report the same counts after reading every verdict again', MESSAGES + relabels);
    for (const version of models) {
      const body = (await (await fetch(`${base}/models/${version}/quality`)).json()) as { all: Confusion };
      expect(body.all).toMatchObject(after[version]!);
    }

    // The metrics tell the same counts.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const [version] = models;
    expect(metrics).toContain(
      `spamstream_quality_count{model_version="${version}",scope="all",outcome="tp"} ${after[version!]!.tp}`,
    );
    for (const instance of [one!, two!]) instance.child.kill('SIGTERM');
    for (const instance of [one!, two!]) expect(await instance.exited, instance.output()).toBe(0);
  }, 600_000);
});
