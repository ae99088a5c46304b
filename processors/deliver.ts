// The sink end of every processor, as a story: its steps are `sinkSteps` below, which
// `topology describe` prints after each processor's own.
// Retriable failures (Kafka or the registry not answering) are retried until they answer again;
// nothing is acknowledged before it is written.
import type { Observable, OperatorFunction } from 'rxjs';
import type { Metrics } from '../core/metrics.ts';
import type { Origin } from '../core/envelope.ts';
import { SpamstreamError } from '../core/errors.ts';
import { type Failure, fail } from '../core/result.ts';
import type { DeadLetter } from '../schemas/index.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord, RecordSource, RecordWriter, TransactionalWriter } from '../connectors/kafka.ts';
import {
  type Flow,
  type RetryPolicy,
  type SinkRecord,
  type StepInfo,
  batchWhileBusy,
  isDeadPart,
  withRetry,
} from './flow.ts';

/** Header of every output record: `<topic>/<partition>@<offset>` of the input it was computed from. */
export const ORIGIN_HEADER = 'spamstream-origin';
/** Header of every record a replay wrote, and of everything computed from one: the replay's run id. */
export const REPLAY_HEADER = 'spamstream-replay';

export interface DeliverPorts {
  readonly writer: RecordWriter;
  /** When present, outputs and source offsets are committed together (exactly-once delivery). */
  readonly transactional?: TransactionalWriter;
  readonly codec: RecordCodec;
  readonly source: Pick<RecordSource, 'acknowledge' | 'groupId'>;
  readonly metrics?: Metrics;
}

export interface DeliverSettings {
  readonly processor: string;
  readonly dlqTopic: string;
  readonly batchSize: number;
  /** Longest wait to fill a batch; it ends sooner once `settled()` says nothing more is on its way. */
  readonly waitMs: number;
  readonly settled?: () => boolean;
  readonly policy: RetryPolicy;
  /** Headers of every record written (a replay marks its outputs). */
  readonly headers?: Readonly<Record<string, string>>;
}

type Input = Flow<readonly SinkRecord[]>;

interface Output {
  readonly records: readonly OutgoingRecord[];
  /** The error code, when the input became a dead letter. */
  readonly deadLetter?: string;
  /** The codes of the dead letters of its bad parts, when the rest of it went on (among `records`). */
  readonly deadParts?: readonly string[];
}

export interface Delivered {
  readonly records: number;
  readonly deadLetters: number;
  /** Inputs dropped because their partition was reassigned while they were in flight. */
  readonly revoked: number;
  readonly origins: readonly Origin[];
}

/** One input and what it turned into. */
interface Item {
  readonly flow: Input;
  output: Output;
}

export function deliver(ports: DeliverPorts, settings: DeliverSettings): OperatorFunction<Input, Delivered> {
  const steps = deliverySteps(ports, settings);
  return (flows: Observable<Input>) =>
    flows.pipe(
      batchWhileBusy(steps.deliverBatch, {
        maxSize: settings.batchSize,
        lingerMs: settings.waitMs,
        settled: settings.settled,
      }),
    );
}

/** The sink's steps, numbered as in the code below; with a transactional writer, or without. */
export function sinkSteps(transactional: boolean): readonly StepInfo[] {
  const steps = [
    'each input becomes its output records, or its dead letter (code, reason, original bytes), or both for an input with a bad part',
    'the batch is split by input partition',
    transactional
      ? "each partition's run is written with its next offset in one Kafka transaction (exactly-once), of records where only a key's newest matters the last"
      : "the batch is written (of records where only a key's newest matters, the last), then its inputs acknowledged (the source commits them in order)",
    'if the broker refuses a record, the run is written again input by input; what it refuses becomes a dead letter, without the original bytes if that is refused too',
    'a partition reassigned meanwhile is dropped: its records are read again by its owner',
    'the outcome is counted',
  ];
  // Without transactions the batch is written whole: there is no step 2.
  return (transactional ? steps : steps.filter((_, i) => i !== 1)).map((name) => ({ name }));
}

function deliverySteps(ports: DeliverPorts, settings: DeliverSettings) {
  const { transactional } = ports;

  /** Retries what is retriable until it succeeds; anything else is thrown. */
  const persistently = async <T>(step: () => Promise<T>): Promise<T> => {
    const result = await withRetry(step, settings.policy);
    if (result.ok) return result.value;
    throw new SpamstreamError(result.code, result.reason);
  };

  const lineage = (flow: Input) => {
    const replay = flow.headers[REPLAY_HEADER];
    return {
      [ORIGIN_HEADER]: `${flow.origin.topic}/${flow.origin.partition}@${flow.origin.offset}`,
      // What is computed from a replayed record is part of that backfill too.
      ...(replay === undefined ? {} : { [REPLAY_HEADER]: replay }),
      ...settings.headers,
    };
  };

  const deadLetterOf = async (
    flow: Input,
    code: string,
    reason: string,
    retriable: boolean,
    keepValue = true,
  ): Promise<OutgoingRecord> => {
    const letter: DeadLetter = {
      processor: settings.processor,
      source_topic: flow.origin.topic,
      source_partition: flow.origin.partition,
      source_offset: Number(flow.origin.offset),
      key: flow.key === null ? null : Buffer.from(flow.key, 'utf8'),
      value: keepValue ? flow.value.input : null,
      headers: { ...flow.headers },
      error_code: code,
      error_reason: keepValue
        ? reason
        : `${reason} (the original value, ${flow.value.input?.length ?? 0} bytes, is left out: the dead-letter topic refused it; it stays in ${flow.origin.topic})`,
      retriable,
      failed_at: Date.now(),
    };
    const value = await persistently(() => ports.codec.encode(`${settings.dlqTopic}-value`, letter));
    return {
      topic: settings.dlqTopic,
      key: flow.key,
      value,
      headers: { 'spamstream-error-code': code, ...lineage(flow) },
    };
  };

  /** Step 1: an input's output records (with lineage), or its dead letter; both when only a part of it was bad. */
  const outputOf = async (flow: Input): Promise<Output> => {
    const { result } = flow.value;
    if (result.ok) {
      const records: OutgoingRecord[] = [];
      const deadParts: string[] = [];
      for (const record of result.value) {
        if (!isDeadPart(record)) {
          records.push({ ...record, headers: { ...record.headers, ...lineage(flow) } });
          continue;
        }
        const { code, reason, retriable } = record.deadLetter;
        records.push(await deadLetterOf(flow, code, reason, retriable));
        deadParts.push(code);
      }
      return deadParts.length > 0 ? { records, deadParts } : { records };
    }
    return {
      records: [await deadLetterOf(flow, result.code, result.reason, result.retriable)],
      deadLetter: result.code,
    };
  };

  /** Step 3: writes the items' records and acknowledges their inputs — atomically when transactional. */
  const write = async (items: readonly Item[]): Promise<void> => {
    const origins = items.map((item) => item.flow.origin);
    const records = newestOfEachKey(items.flatMap((item) => item.output.records));
    if (transactional) {
      const input = { topic: origins[0]!.topic, partition: origins[0]!.partition };
      await persistently(() =>
        ports.source.acknowledge(origins, ([next]) => transactional.sendAndCommit(input, records, next!.offset)),
      );
    } else {
      await persistently(() => ports.writer.send(records));
      await ports.source.acknowledge(origins);
    }
  };

  /** Writes the item alone: the broker's refusal when it refused a record, undefined once written. */
  const refusalOf = async (item: Item): Promise<Error | undefined> => {
    try {
      await write([item]);
      return undefined;
    } catch (error) {
      if (!isCode(error, 'BROKER_REJECTED')) throw error;
      return error as Error;
    }
  };

  const deadOutput = async (flow: Input, letter: Failure, keepValue: boolean): Promise<Output> => ({
    records: [await deadLetterOf(flow, letter.code, letter.reason, letter.retriable, keepValue)],
    deadLetter: letter.code,
  });

  /**
   * Step 4: after the broker refused some record, each input alone. Outputs it refuses become a dead
   * letter of the input; a dead letter it refuses in turn (it carries the original bytes) goes without them.
   */
  const writeOneByOne = async (items: readonly Item[]): Promise<void> => {
    for (const item of items) {
      const refused = await refusalOf(item);
      if (!refused) continue;
      const { result } = item.flow.value;
      const letter = result.ok ? fail('BROKER_REJECTED', refused.message) : result;
      if (result.ok) {
        item.output = await deadOutput(item.flow, letter, true);
        if (!(await refusalOf(item))) continue;
      }
      item.output = await deadOutput(item.flow, letter, false);
      await write([item]);
    }
  };

  /** Steps 3–5 for one partition's run (or, at-least-once, for the whole batch). */
  const writeRun = async (items: readonly Item[]): Promise<'written' | 'revoked'> => {
    try {
      try {
        await write(items);
      } catch (error) {
        if (!isCode(error, 'BROKER_REJECTED')) throw error;
        await writeOneByOne(items);
      }
      return 'written';
    } catch (error) {
      if (isCode(error, 'REVOKED')) return 'revoked';
      throw error;
    }
  };

  /** The whole batch: steps 1 to 6. */
  const deliverBatch = async (batch: readonly Input[]): Promise<Delivered> => {
    const items: Item[] = [];
    for (const flow of batch) items.push({ flow, output: await outputOf(flow) });
    const runs = transactional ? [...byInputPartition(items).values()] : [items];
    const outcomes = await Promise.all(runs.map(writeRun));
    const delivered = runs.flatMap((run, i) => (outcomes[i] === 'written' ? run : []));
    return report(delivered, batch.length - delivered.length);
  };

  /** Step 6. */
  const report = (delivered: readonly Item[], revoked: number): Delivered => {
    let records = 0;
    let deadLetters = 0;
    for (const { output } of delivered) {
      ports.metrics?.processed.inc({
        processor: settings.processor,
        outcome: output.deadLetter ? 'dead_letter' : 'ok',
      });
      if (output.deadLetter) {
        deadLetters += 1;
        ports.metrics?.deadLetters.inc({ processor: settings.processor, code: output.deadLetter });
      } else {
        const parts = output.deadParts ?? [];
        for (const code of parts) ports.metrics?.deadLetters.inc({ processor: settings.processor, code });
        deadLetters += parts.length;
        records += output.records.length - parts.length;
      }
    }
    return { records, deadLetters, revoked, origins: delivered.map((item) => item.flow.origin) };
  };

  return { deliverBatch };
}

/** Step 2: items by the input partition they came from, each in arrival (= offset) order. */
function byInputPartition(items: readonly Item[]): Map<string, Item[]> {
  const runs = new Map<string, Item[]>();
  for (const item of items) {
    const key = `${item.flow.origin.topic}:${item.flow.origin.partition}`;
    const run = runs.get(key);
    if (run) run.push(item);
    else runs.set(key, [item]);
  }
  return runs;
}

const isCode = (error: unknown, code: string) => error instanceof SpamstreamError && error.code === code;

/**
 * The records without those a later record of the same topic and key supersedes, where both say only
 * the newest matters (`latestOnly`): in one transaction, the earlier could only ever be compacted away.
 */
export function newestOfEachKey(records: readonly OutgoingRecord[]): readonly OutgoingRecord[] {
  if (!records.some((record) => record.latestOnly)) return records;
  const last = new Map<string, number>();
  records.forEach((record, i) => {
    if (record.latestOnly) last.set(`${record.topic}\u0000${record.key}`, i);
  });
  return records.filter((record, i) => !record.latestOnly || last.get(`${record.topic}\u0000${record.key}`) === i);
}
