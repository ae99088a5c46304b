// The image as an orchestrator runs it (`npm run test:image`): built by the project's own commands,
// `run features` and `run scoring` in containers (read-only root, no capabilities, a uid of no
// user) on the host's network against the local stack. Messages are scored; `podman stop` sends
// SIGTERM to node as PID 1, which drains and commits and exits 0; a second features container takes
// over; every message is then scored once per model, none lost, none twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE, LOCAL_BASE, imageExists, podman, podmanOk } from '../../deploy/image/engine.ts';
import { buildLocalBase } from '../../deploy/image/base.ts';
import { buildImage } from '../../deploy/image/build.ts';
import type { SmsFeatures, SmsPrediction } from '../../schemas/index.ts';
import {
  type PipelineFixture,
  isolatedEnv,
  labelledMessages,
  pipelineFixture,
} from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const MESSAGES = 1_500;
const MODELS = ['v1', 'v3'];

describe('the container image', () => {
  let fixture: PipelineFixture;
  const containers: string[] = [];

  beforeAll(async () => {
    if (!process.env.SPAMSTREAM_IMAGE_BASE && !imageExists(LOCAL_BASE)) buildLocalBase();
    buildImage();
    // Small batches keep the first features container busy when it is stopped.
    fixture = await pipelineFixture({ SPAMSTREAM_MAX_IN_FLIGHT: '32', SPAMSTREAM_PARTITIONS_CONCURRENTLY: '1' });
  });

  afterAll(async () => {
    // Stopped, not killed: a killed member would hold its group until its session expires.
    for (const name of containers) podman(['rm', '--force', '--time', '60', name]);
    await fixture?.close();
  });

  /** The fixture's settings (its topics and groups, and any server the host configures) as the container's environment. */
  function settings(): string[] {
    const env = {
      ...Object.fromEntries(
        Object.entries(isolatedEnv(fixture.run)).filter(
          ([name]) => name.startsWith('SPAMSTREAM_') && !name.startsWith('SPAMSTREAM_STACK'),
        ),
      ),
      SPAMSTREAM_MODELS: MODELS.join(','),
      SPAMSTREAM_MAX_IN_FLIGHT: '32',
      SPAMSTREAM_PARTITIONS_CONCURRENTLY: '1',
      // Host networking: each container takes a free port, which it logs.
      SPAMSTREAM_OPS_PORT: '0',
    };
    return Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);
  }

  /** Starts `run <part>` in a container and waits until its ops server reports it ready. */
  async function runPart(part: 'features' | 'scoring', name: string): Promise<string> {
    const container = `${fixture.run}-${name}`;
    containers.push(container);
    podmanOk([
      'run',
      '--detach',
      '--name',
      container,
      '--network',
      'host',
      '--read-only',
      '--cap-drop',
      'all',
      '--security-opt',
      'no-new-privileges',
      ...settings(),
      IMAGE,
      'run',
      part,
    ]);
    let address = '';
    await waitUntil(`${container} logs its ops address`, async () => {
      address = /ops listening on (http:\/\/[^\s"]+)/.exec(logs(container))?.[1] ?? '';
      if (!address && state(container) !== 'running') throw new Error(`${container} exited:\n${logs(container)}`);
      return address !== '';
    });
    await waitUntil(`${container} is ready`, async () => (await fetch(`${address}/ready`)).status === 200);
    return container;
  }

  const logs = (container: string) => podman(['logs', container]).stdout;
  const state = (container: string) => podmanOk(['inspect', '--format', '{{.State.Status}}', container]).trim();
  const exitCode = (container: string) => Number(podmanOk(['inspect', '--format', '{{.State.ExitCode}}', container]));

  it('scores messages, drains on `podman stop` with exit 0, and loses or repeats nothing', async () => {
    const features = await runPart('features', 'features-1');
    const scoring = await runPart('scoring', 'scoring');
    const messages = await labelledMessages(fixture.run, MESSAGES);
    await fixture.produceRaw(messages);

    // Stopped while it works: SIGTERM, then it drains what it holds and commits.
    await fixture.readTopic(fixture.config.topics.features, { until: (r) => r.length > 0 });
    podmanOk(['stop', '--time', '60', features]);
    expect(exitCode(features), logs(features)).toBe(0);
    const lines = logs(features)
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['SIGTERM: draining and shutting down…', 'stopped']),
    );

    const leftForTheNext = MESSAGES - (await fixture.readTopic(fixture.config.topics.features)).length;
    expect(leftForTheNext, 'the first container was stopped with work left').toBeGreaterThan(0);
    const takeover = await runPart('features', 'features-2');
    const predictions = await fixture.readTopic<SmsPrediction>(fixture.config.topics.predictions, {
      until: (r) => r.length >= MESSAGES * MODELS.length,
      timeoutMs: 300_000,
    });
    for (const part of [takeover, scoring]) {
      podmanOk(['stop', '--time', '60', part]);
      expect(exitCode(part), logs(part)).toBe(0);
    }

    const scored = new Map<string, number>();
    for (const { value } of predictions) {
      const key = `${value.sms_id} ${value.model_version}`;
      scored.set(key, (scored.get(key) ?? 0) + 1);
    }
    const expected = messages.flatMap((m) => MODELS.map((model) => `${m.sms_id} ${model}`));
    expect([...scored.keys()].sort()).toEqual(expected.sort());
    expect([...scored].filter(([, count]) => count > 1)).toEqual([]);
    const featured = await fixture.readTopic<SmsFeatures>(fixture.config.topics.features);
    expect(new Set(featured.map((r) => r.value.sms_id)).size).toBe(MESSAGES);
    expect(featured.length).toBe(MESSAGES);
    expect(await fixture.readTopic(fixture.config.topics.dlq)).toEqual([]);
  }, 900_000);
});
