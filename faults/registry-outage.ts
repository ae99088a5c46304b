// Scenario 4: the schema registry stopped mid-stream — a private registry
// (testkit/second-registry.ts), never the shared one. Records whose schemas the processors have
// cached must keep flowing; what needs the registry (a record written with a schema version nobody
// has looked up yet, a producer that must register its schema) must fail clearly — retried, never
// dead-lettered, or an error naming the registry — and recover once it answers again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import avro from 'avsc';
import { type SmsPrediction, loadSchema } from '../schemas/index.ts';
import { startSecondRegistry } from '../testkit/second-registry.ts';
import { valueSubject } from '../topology/topics.ts';
import { type Harness, type Scenario, withHarness, withServer } from './harness.ts';
import { framed } from './load.ts';
import { sleep } from './parts.ts';
import { edgeUrl, waitReady, watchReady } from './outage-checks.ts';

export const registryOutage: Scenario = {
  name: 'schema registry down',
  run: ({ quick, log }) =>
    withServer(
      'registry',
      () => startSecondRegistry(),
      (registry) =>
        withHarness('registry', { SPAMSTREAM_SCHEMA_REGISTRY_URL: registry.url }, async (h) => {
          const messages = quick ? 3_000 : 20_000;
          const rate = quick ? 150 : 300;
          // The codec asks the registry again for a subject's latest id after 60 s: the outage stays below.
          const downMs = quick ? 20_000 : 40_000;
          const [url] = await Promise.all([
            edgeUrl(h),
            h.parts.startRunning('features'),
            h.parts.startRunning('scoring'),
          ]);
          const newer = await newerRawWriter(h);
          const flow = h.load.flow(rate);
          await h.load.waitForSent(messages * 0.25);
          await registry.stop();
          const down = Date.now();
          const firstInOutage = h.load.sentIds.length;
          log(`  registry stopped at ${h.elapsed()}, ${firstInOutage} sent`);
          const outage = (async () => {
            // First only records of cached schemas: they must flow without the registry.
            await sleep(downMs * 0.4);
            const during = new Set(h.load.sentIds.slice(firstInOutage));
            const scored = await h.topics.read<SmsPrediction>(h.config.topics.predictions);
            const flowed = new Set(scored.map((r) => r.value.sms_id).filter((id) => during.has(id))).size;
            h.check(flowed > 0, `no message sent while the registry was down was scored (${during.size} sent)`);
            h.note(
              `${flowed} of the ${during.size} messages sent in the first ${(downMs * 0.4) / 1000} s without the ` +
                `registry were scored meanwhile`,
            );
            // Then a schema version the processors never saw: they must wait for the registry, not
            // dead-letter. (Such a record holds up its partition until then: records go in order.)
            const unseen = await h.load.messages(50, 'n');
            await h.load.sendRetrying(
              unseen.map((raw) => ({ topic: h.config.topics.raw, key: raw.sms_id, value: newer(raw) })),
              10_000,
            );
            h.load.sentIds.push(...unseen.map((raw) => raw.sms_id));
            await produceNeedingRegistry(h);
            await sleep(Math.max(0, downMs - (Date.now() - down)));
            const early = (await h.topics.read<SmsPrediction>(h.config.topics.predictions)).filter((r) =>
              r.value.sms_id.includes('-n'),
            ).length;
            h.check(early === 0, `${early} predictions of records with an unseen schema while the registry was down`);
            await registry.start();
          })();
          const answers = await watchReady(url, outage);
          await outage;
          log(`  registry answering again at ${h.elapsed()}`);
          const naming = answers.filter((a) => a.status === 503 && /registry/.test(a.message));
          h.check(
            naming.length > 0,
            `/ready never answered 503 naming the registry while it was down: ${JSON.stringify(answers.slice(0, 3))}`,
          );
          const readyAgain = await waitReady(url);
          h.check(readyAgain !== undefined, '/ready did not answer 200 within 180 s of the registry answering again');
          h.note(
            `registry down ${((Date.now() - down) / 1000).toFixed(1)} s; /ready answered ${naming.length} of ` +
              `${answers.length} polls 503 naming it; 50 records of an unseen schema version waited and were scored ` +
              `after`,
          );
          await flow.stopAt(messages);
          await h.waitForPredictions();
          log(`  every prediction present at ${h.elapsed()}`);
          await h.parts.stopAll();
          return h.result(registryOutage.name);
        }),
    ),
};

/** A newer, BACKWARD-compatible SmsRaw (an extra optional field), registered now, used by nobody yet. */
async function newerRawWriter(h: Harness) {
  const schema = loadSchema('sms-raw') as { fields: object[] };
  const newer = {
    ...schema,
    fields: [...schema.fields, { name: 'fault_note', type: ['null', 'string'], default: null }],
  };
  const id = await h.messaging.registry.register(valueSubject(h.config.topics.raw), newer);
  const type = avro.Type.forSchema(newer as avro.Schema);
  return (raw: object) =>
    framed(id, type.toBuffer({ ...raw, fault_note: 'written with a schema version the processors never saw' }));
}

/** `spamstream produce` needs the registry (it registers the schema): it must fail, naming it. */
async function produceNeedingRegistry(h: Harness): Promise<void> {
  const begin = Date.now();
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', 'bin', 'spamstream.js'), 'produce', 'hello while the registry is down'],
    {
      env: h.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const status = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  const said = output.trim().split('\n').slice(-2).join(' ');
  h.check(
    status !== 0 && /registry/i.test(said),
    `spamstream produce while the registry was down: exit ${status}, "${said}"`,
  );
  h.note(
    `spamstream produce while the registry was down: exit ${status} after ` +
      `${((Date.now() - begin) / 1000).toFixed(1)} s, "${said.slice(0, 160)}"`,
  );
}
