// CDC when Kafka Connect dies: rows inserted while it is down come out after it restarts, and what
// Debezium re-sends (it resumes from its last flushed offset) gives no second prediction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableModels } from '../../connectors/model-runtime.ts';
import type { SmsPrediction } from '../../schemas/index.ts';
import { stackUp } from '../../stack/index.ts';
import { isAlive, ownedPid, ownerMarker } from '../../stack/process.ts';
import { serverDir } from '../../stack/server.ts';
import { type RunningCdcPipeline, runningCdcPipeline } from '../../testkit/cdc-fixture.ts';
import { labelledMessages } from '../../testkit/pipeline-fixture.ts';
import { waitUntil } from '../../testkit/wait-until.ts';

const quiet = () => {};

describe('cdc with Kafka Connect killed', () => {
  let fixture: RunningCdcPipeline;
  const models = availableModels('models');

  beforeAll(async () => {
    fixture = await runningCdcPipeline(['cdc', 'features', 'scoring']);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const insert = async (rows: readonly { sms_id: string; text: string }[]) => {
    const values = rows.map((_, i) => `($${i * 2 + 1}, 'user-k', '+447700900000', $${i * 2 + 2})`).join(', ');
    await fixture.sql.query(
      `INSERT INTO ${fixture.table} (sms_id, user_id, sender_id, sms_text) VALUES ${values}`,
      rows.flatMap((r) => [r.sms_id, r.text]),
    );
  };

  it('loses nothing inserted while Connect is down and scores each row once', async (context) => {
    const { config } = fixture;
    const pid =
      config.stack.mode === 'local'
        ? await ownedPid(serverDir(config, 'connect'), ownerMarker(config.stack.dataDir))
        : undefined;
    if (pid === undefined) context.skip('Kafka Connect is not run by this stack (external): cannot kill it');
    const messages = await labelledMessages(fixture.run, 300);
    const before = messages.slice(0, 100);
    const during = messages.slice(100);

    // Killed right after its change events reached Kafka, likely before it flushed their offsets.
    await insert(before);
    await fixture.readChanges({ until: (r) => r.length >= before.length });
    process.kill(pid!, 'SIGKILL');
    await waitUntil('Kafka Connect is gone', () => !isAlive(pid!));
    await insert(during);

    const report = await stackUp(config, quiet);
    expect(report.servers.find((s) => s.name === 'connect')?.state).toBe('started');
    await fixture.waitForConnector(120_000);

    const predictions = await fixture.readTopic<SmsPrediction>(config.topics.predictions, {
      until: (r) => r.length >= messages.length * models.length,
      timeoutMs: 180_000,
    });
    if (process.env.CDC_DEBUG) {
      const raws = await fixture.readTopic<{ sms_id: string }>(config.topics.raw);
      const feats = await fixture.readTopic<{ sms_id: string }>(config.topics.features);
      const ch = await fixture.readChanges();
      const dup = (ids: string[]) => ids.length - new Set(ids).size;
      console.log(
        'DEBUG changes',
        ch.length,
        dup(ch.map((c) => String(c.value.sms_id))),
        'raw',
        raws.length,
        dup(raws.map((r) => r.value.sms_id)),
        'features',
        feats.length,
        dup(feats.map((r) => r.value.sms_id)),
        'predictions',
        predictions.length,
      );
    }
    const perPair = new Map<string, number>();
    for (const { value } of predictions)
      perPair.set(
        `${value.sms_id}|${value.model_version}`,
        (perPair.get(`${value.sms_id}|${value.model_version}`) ?? 0) + 1,
      );
    expect(perPair.size).toBe(messages.length * models.length);
    expect([...perPair.values()].every((n) => n === 1)).toBe(true);

    const changes = await fixture.readChanges();
    const resent = changes.length - new Set(changes.map((c) => c.value.sms_id)).size;
    console.log(
      `[cdc] Connect killed: ${changes.length} change events for ${messages.length} rows (${resent} re-sent by Debezium, skipped by the cdc processor)`,
    );
  });
});
