// Drift on the real stack, wired as production wires it: the features processor and the edge
// (runtime/pipeline.ts `startParts`) with the committed cards' training distributions. Messages
// drawn like the training split keep every statistic's PSI low; the same number of messages shifted
// (shouted in capitals, a link and a price appended) fill the window and raise it, on /drift and on
// /metrics, with a warning in the log once per statistic that crossed.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readSmsCsv } from '../../features/sms-csv.ts';
import { splitOf } from '../../features/split.ts';
import { type RunningPipeline, startParts } from '../../runtime/pipeline.ts';
import type { SmsRaw } from '../../schemas/index.ts';
import { DATA_CSV } from '../../testkit/data-set.ts';
import { groupAssigned } from '../../testkit/group-assigned.ts';
import { type PipelineFixture, pipelineFixture } from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const WINDOW = 500;

interface Drift {
  window: number;
  observed: number;
  models: { modelVersion: string; messages: number; fields: { name: string; psi: number; band: string }[] }[];
}

let fixture: PipelineFixture;
let pipeline: RunningPipeline;
const stderr: string[] = [];

/** `count` texts of the training split in an order shuffled by a fixed seed (a small LCG), so every run sends the same. */
async function trainingTexts(count: number): Promise<string[]> {
  const texts: string[] = [];
  for await (const row of readSmsCsv(DATA_CSV, { requireLabel: true, maxTextBytes: 4096, onProblem: () => {} }))
    if (splitOf(row.text) === 'train') texts.push(row.text);
  let seed = 24;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = texts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [texts[i], texts[j]] = [texts[j]!, texts[i]!];
  }
  return texts.slice(0, count);
}

const message = (id: string, text: string): SmsRaw => ({
  sms_id: id,
  sender: '+447700900000',
  recipient: '+447700900001',
  text,
  received_at: Date.now(),
  source: 'test',
});

async function drift(): Promise<Drift> {
  return (await (await fetch(`${pipeline.edge!.address}/drift`)).json()) as Drift;
}

/** The drift once the edge has read every message sent so far and its windows hold `messages`. */
async function driftAfter(messages: number, sent: () => number): Promise<Drift> {
  let last: Drift | undefined;
  await waitUntil(`the edge has read ${sent()} messages`, async () => {
    last = await drift();
    return last.observed >= sent() && last.models.every((m) => m.messages === Math.min(messages, WINDOW));
  });
  return last!;
}

beforeAll(async () => {
  fixture = await pipelineFixture({ SPAMSTREAM_TOPIC_PARTITIONS: '2', SPAMSTREAM_DRIFT_WINDOW: String(WINDOW) });
  // The drift warning goes to the process log's stderr (text format): kept here, not shown, since the
  // test raises it on purpose; anything else still reaches the terminal.
  const write = process.stderr.write.bind(process.stderr);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(String(chunk));
    return String(chunk).startsWith('WARN drift: ') || (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  });
  pipeline = await startParts(fixture.config, ['features', 'edge'], () => {});
  await groupAssigned(fixture.config.kafka, `${fixture.run}.live-drift.`);
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await pipeline?.stop();
  await fixture?.close();
});

describe('drift on the real stack', () => {
  let sent = 0;
  const seen = () => sent;

  it('stays low on messages drawn like the training data', async () => {
    const texts = await trainingTexts(WINDOW);
    await fixture.produceRaw(texts.map((text, i) => message(`${fixture.run}-like-${i}`, text)));
    sent += texts.length;
    const result = await driftAfter(WINDOW, seen);
    expect(result.window).toBe(WINDOW);
    expect(result.models.map((m) => m.modelVersion)).toEqual(['v1', 'v3']);
    for (const model of result.models) {
      expect(model.fields).toHaveLength(37);
      const worst = model.fields.reduce((a, b) => (b.psi > a.psi ? b : a));
      expect(worst.psi, `${model.modelVersion} ${worst.name}`).toBeLessThan(0.1);
    }
    expect(stderr.join('')).not.toContain('drift:');
  });

  it('rises on messages whose distribution is shifted, warns once per statistic, and shows on /metrics', async () => {
    const texts = await trainingTexts(WINDOW);
    const shifted = texts.map((text) => `${text.toUpperCase()} CLAIM NOW www.prize-desk.co.uk £5`);
    await fixture.produceRaw(shifted.map((text, i) => message(`${fixture.run}-shifted-${i}`, text)));
    sent += shifted.length;
    const result = await driftAfter(WINDOW, seen);
    for (const model of result.models) {
      const band = Object.fromEntries(model.fields.map((f) => [f.name, f.band]));
      expect(band, model.modelVersion).toMatchObject({
        capital_ratio: 'major',
        all_caps_word_count: 'major',
        url_count: 'major',
        currency_sign_count: 'major',
        has_claim: 'major',
      });
      expect(model.fields.find((f) => f.name === 'url_count')!.psi).toBeGreaterThan(1);
    }
    // Shifted messages go on coming: what was told is not told again.
    await fixture.produceRaw(shifted.map((text, i) => message(`${fixture.run}-more-${i}`, text)));
    sent += shifted.length;
    await driftAfter(WINDOW, seen);
    const warnings = stderr
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('WARN drift: '));
    // v1 and v3 share their training data, so each crossing is one line naming both.
    const told = warnings.flatMap((line) =>
      [
        ...line
          .split(': ')
          .at(-1)!
          .matchAll(/(\w+) [0-9.]+/g),
      ].map((m) => m[1]!),
    );
    expect(told).toEqual(expect.arrayContaining(['capital_ratio', 'url_count', 'has_claim']));
    expect(new Set(told).size, told.join(', ')).toBe(told.length);
    for (const line of warnings)
      expect(line).toMatch(
        /^WARN drift: view v1 of models v1, v3, over the last 500 live messages: \d+ statistic\(s\) reached PSI 0\.25 against the training data: /,
      );

    const metrics = await (await fetch(`${pipeline.edge!.address}/metrics`)).text();
    const urlPsi = metrics.match(
      /spamstream_drift_psi\{model_version="v3",view="v1",statistic="url_count"\} ([0-9.e+-]+)/,
    );
    expect(Number(urlPsi?.[1])).toBeGreaterThan(1);
    expect(metrics).toContain(`spamstream_drift_window_messages{model_version="v3",view="v1"} ${WINDOW}`);
  });
});
