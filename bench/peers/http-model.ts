// Peer: the seeds' architecture — a queue consumer that, for each message, decodes it, computes
// its feature views, calls an HTTP model server (FastAPI + uvicorn + onnxruntime, the same ONNX
// files, every model at batch 1) and writes the answer to a topic before taking the next message
// of that partition (kafkajs eachMessage, the 6 partitions concurrently, offsets auto-committed).
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadConfig } from '../../config/config.ts';
import { registerCompressionCodecs } from '../../connectors/kafka/compression.ts';
import { computeViews } from '../../features/index.ts';
import { applyPorts, connectMessaging } from '../../runtime/wiring.ts';
import type { SmsRaw } from '../../schemas/index.ts';
import { isolatedEnv } from '../../testkit/pipeline-fixture.ts';
import { applyTopology } from '../../topology/apply.ts';
import { ROOT, freePort, httpClient, rawProducer, sleep, startChild } from '../support.ts';
import { PEERS_DIR, peersVenv } from './python.ts';
import { dropRun } from '../../testkit/drop-run.ts';

export interface HttpModelFigures {
  readonly messages: number;
  readonly msgsPerSecond: number;
}

export async function perMessageHttpBench(
  texts: readonly string[],
  options: { messages: number; timeoutMs?: number },
): Promise<HttpModelFigures> {
  const bin = peersVenv();
  const port = await freePort();
  const uvicorn = [
    '--app-dir',
    PEERS_DIR,
    'model_server:app',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--no-access-log',
    '--log-level',
    'warning',
  ];
  const env = { ...process.env, MODELS_DIR: join(ROOT, 'models') };
  const server = startChild(join(bin, 'uvicorn'), uvicorn, { env });
  const run = `seeds${Date.now().toString(36)}`;
  const config = loadConfig(isolatedEnv(run));
  const messaging = connectMessaging(config);
  registerCompressionCodecs();
  const kafka = new Kafka({ clientId: 'bench-seeds', brokers: [...config.kafka.brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${run}.consumer` });
  const producer = kafka.producer({ idempotent: true });
  const http = httpClient(port, 16);
  try {
    await applyTopology(applyPorts(config, messaging), config);
    await rawProducer(messaging, config, run, texts).send(options.messages);
    for (let waited = 0; (await http.get('/health').catch(() => 0)) !== 200; waited += 250) {
      if (waited > 60_000) throw new Error('the model server did not answer /health within 60 s');
      await sleep(250);
    }
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic: config.topics.raw, fromBeginning: true });
    let done = 0;
    let first = 0;
    let last = 0;
    await consumer.run({
      partitionsConsumedConcurrently: config.topics.partitions,
      eachMessage: async ({ message }) => {
        if (first === 0) first = performance.now();
        const raw = await messaging.codec.decode<SmsRaw>(message.value!);
        const body = JSON.stringify({ views: computeViews(raw.text) });
        const answer = await fetch(`http://127.0.0.1:${port}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        if (!answer.ok) throw new Error(`model server answered ${answer.status}`);
        const scores = await answer.text();
        const answerRecord = { key: raw.sms_id, value: scores };
        await producer.send({ topic: config.topics.predictions, acks: -1, messages: [answerRecord] });
        done += 1;
        last = performance.now();
      },
    });
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    while (done < options.messages && Date.now() < deadline) await sleep(100);
    const msgsPerSecond = done >= options.messages ? Math.round(done / ((last - first) / 1000)) : Number.NaN;
    return { messages: done, msgsPerSecond };
  } finally {
    http.close();
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await messaging.close();
    await dropRun(config.kafka, run);
    await server.stop();
  }
}
