// The operators every processor is built from. A record moves through a processor as a Flow:
// its envelope, carrying the original bytes (for the dead-letter topic) and the result so far.
// A failed record passes every later step untouched, so one bad record never errors the stream.
import { type MonoTypeOperatorFunction, Observable, type OperatorFunction, concatMap, map, pipe, tap } from 'rxjs';
import { type Envelope, withValue } from '../core/envelope.ts';
import { type Failure, type Result, attempt, fail, ok } from '../core/result.ts';
import type { RecordCodec } from '../connectors/codec.ts';
import type { OutgoingRecord } from '../connectors/kafka.ts';

export interface Step<T> {
  /** The bytes the record arrived with; kept untouched for the dead-letter topic. */
  readonly input: Buffer | null;
  readonly result: Result<T>;
}
export type Flow<T> = Envelope<Step<T>>;

/**
 * One failure policy for every step: a retriable failure (a store, the registry or Kafka not
 * answering) is retried with capped back-off until the dependency answers again — its record is
 * never dead-lettered, and the source's in-flight bound holds the rest back meanwhile. Only a
 * failure that is not retriable (bad input) leaves a step as a failure, bound for the dead-letter topic.
 */
export interface RetryPolicy {
  /** First back-off; it doubles with each attempt, up to `maxBackoffMs`. */
  readonly backoffMs: number;
  /** Longest back-off between two attempts (default 30 s). */
  readonly maxBackoffMs?: number;
  /** Aborted when the processor stops: a step still retrying then never settles, so its record is never committed. */
  readonly signal?: AbortSignal;
  /** Told of each retriable failure before its back-off (a debug log). */
  readonly onRetry?: (reason: string, attempt: number) => void;
}

/**
 * A step of a processor's pipe, by name, and what it writes besides its record: `topology describe`
 * and the README's graph are generated from these, so they cannot drift from the pipe.
 */
export interface StepInfo {
  readonly name: string;
  /** The topic of the records it produces (written by the sink). */
  readonly topic?: string;
  /** The online-store tables it upserts (keys of the store's tables). */
  readonly stores?: readonly ('features' | 'predictions' | 'labels')[];
}

/** An operator that knows its step's name. */
export interface NamedOperator<A, B> extends OperatorFunction<A, B> {
  readonly step: StepInfo;
}

/** A processor: the pipe of its named steps, which it lists. */
export interface Processor<A, B> extends OperatorFunction<A, B> {
  readonly steps: readonly StepInfo[];
}

/**
 * A part of an input the processor could not take while it took the rest (a change event whose
 * message is fine and whose label is not): the sink writes it as a dead letter of the input.
 */
export interface DeadPart {
  readonly deadLetter: Failure;
}

/** What the sink writes for an input: its output records, and the dead letters of its bad parts. */
export type SinkRecord = OutgoingRecord | DeadPart;

export const isDeadPart = (record: SinkRecord): record is DeadPart => 'deadLetter' in record;

/** What each processor is: input records (their bytes) to the output records of each, for the sink. */
export type RecordProcessor = Processor<Envelope<Buffer | null>, Flow<readonly SinkRecord[]>>;

type Writes = Omit<StepInfo, 'name'>;

export function step<A, B>(name: string, operator: OperatorFunction<A, B>, writes: Writes = {}): NamedOperator<A, B> {
  return Object.assign((source: Observable<A>) => operator(source), { step: { name, ...writes } });
}

/** rxjs `pipe` of named steps only, so no step of a processor goes undescribed. */
export function namedPipe<A, B>(s1: NamedOperator<A, B>): Processor<A, B>;
export function namedPipe<A, B, C>(s1: NamedOperator<A, B>, s2: NamedOperator<B, C>): Processor<A, C>;
export function namedPipe<A, B, C, D>(
  s1: NamedOperator<A, B>,
  s2: NamedOperator<B, C>,
  s3: NamedOperator<C, D>,
): Processor<A, D>;
export function namedPipe<A, B, C, D, E>(
  s1: NamedOperator<A, B>,
  s2: NamedOperator<B, C>,
  s3: NamedOperator<C, D>,
  s4: NamedOperator<D, E>,
): Processor<A, E>;
export function namedPipe<A, B, C, D, E, F>(
  s1: NamedOperator<A, B>,
  s2: NamedOperator<B, C>,
  s3: NamedOperator<C, D>,
  s4: NamedOperator<D, E>,
  s5: NamedOperator<E, F>,
): Processor<A, F>;
export function namedPipe<A, B, C, D, E, F, G>(
  s1: NamedOperator<A, B>,
  s2: NamedOperator<B, C>,
  s3: NamedOperator<C, D>,
  s4: NamedOperator<D, E>,
  s5: NamedOperator<E, F>,
  s6: NamedOperator<F, G>,
): Processor<A, G>;
export function namedPipe(...steps: NamedOperator<unknown, unknown>[]): Processor<unknown, unknown> {
  // What rxjs `pipe` does: each step's operator applied to the previous one's output, in order.
  const piped = (source: Observable<unknown>) => steps.reduce((stream, s) => s(stream), source);
  return Object.assign(piped, { steps: steps.map((s) => s.step) });
}

const settle = <A, B>(flow: Flow<A>, result: Result<B>): Flow<B> =>
  withValue(flow, { input: flow.value.input, result });

/** Runs a step until it succeeds or fails for good; retriable failures are retried for as long as it takes. */
export async function withRetry<T>(step: () => Promise<T> | T, policy: RetryPolicy): Promise<Result<T>> {
  let result = await attempt(step);
  for (let tried = 1; !result.ok && result.retriable; tried += 1) {
    policy.onRetry?.(result.reason, tried);
    await backoff(Math.min(policy.backoffMs * 2 ** (tried - 1), policy.maxBackoffMs ?? 30_000), policy.signal);
    result = await attempt(step);
  }
  return result;
}

/** Resolves after `ms`; never, once `signal` is aborted (the processor is stopping). */
function backoff(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return;
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => clearTimeout(timer);
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Decodes the Avro bytes of each record into the reader schema (or the one `readerSchema` picks
 * for the record, for a processor reading several topics); bad bytes become failures.
 */
export function decodeRecords<T>(
  codec: RecordCodec,
  readerSchema: object | ((record: Envelope<Buffer | null>) => object),
  policy: RetryPolicy,
): OperatorFunction<Envelope<Buffer | null>, Flow<T>> {
  return concatMap(async (record) => {
    const input = record.value;
    const schema = typeof readerSchema === 'function' ? readerSchema(record) : readerSchema;
    const result =
      input === null
        ? fail('DECODE_FAILED', 'the record has no value (tombstone)')
        : await withRetry(() => codec.decode<T>(input, schema), policy);
    return withValue(record, { input, result });
  });
}

/**
 * `value` as an output record of `topic`: Avro under the topic's value subject, keyed `key`, with the
 * input record's timestamp, which the broker already accepted (the event time lives in the payload,
 * where a bogus value cannot make Kafka refuse the record).
 */
export async function outputRecord(
  codec: RecordCodec,
  topic: string,
  key: string,
  value: unknown,
  input: { readonly timestamp: number },
): Promise<OutgoingRecord> {
  return { topic, key, value: await codec.encode(`${topic}-value`, value), timestamp: input.timestamp };
}

/**
 * At most `perSecond` records a second, evenly spaced (a replay's `--rate`). The rest wait
 * upstream: the source's in-flight bound stops it fetching meanwhile.
 */
export function paced<T>(perSecond: number): MonoTypeOperatorFunction<T> {
  const interval = 1000 / perSecond;
  let next = 0;
  return concatMap(async (value) => {
    const now = performance.now();
    const wait = next - now;
    next = Math.max(now, next) + interval;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return value;
  });
}

/** A synchronous check or transformation of each successful value. */
export function mapOk<A, B>(step: (value: A, record: Flow<A>) => Result<B>): OperatorFunction<Flow<A>, Flow<B>> {
  return map((flow) => {
    if (!flow.value.result.ok) return flow as unknown as Flow<B>;
    const { value } = flow.value.result;
    let result: Result<B>;
    try {
      result = step(value, flow);
    } catch (error) {
      result = fail('INTERNAL', error instanceof Error ? error.message : String(error));
    }
    return settle(flow, result);
  });
}

/**
 * An asynchronous step per successful value, retried per policy. Steps run concurrently — as many
 * as the source lets records be in flight — but results leave in arrival order: a record never
 * overtakes an earlier one, so the sink always receives each partition's records as a contiguous
 * run and can commit exactly what it wrote.
 */
export function mapOkAsync<A, B>(
  step: (value: A, record: Flow<A>) => Promise<B>,
  policy: RetryPolicy,
): OperatorFunction<Flow<A>, Flow<B>> {
  return pipe(
    // Started here, on arrival; awaited below one at a time, in order.
    map((flow): Promise<Flow<B>> | Flow<B> => {
      if (!flow.value.result.ok) return flow as unknown as Flow<B>;
      const { value } = flow.value.result;
      return withRetry(() => step(value, flow), policy).then((result) => settle(flow, result));
    }),
    concatMap(async (pending) => pending),
  );
}

/**
 * Groups successful values into micro-batches for one call of `step`, which returns one result
 * per value, in order. One call at a time: a batch is what arrived while the previous call ran
 * (up to `size`), or, when idle, what arrives within `waitMs` — less once `settled()` says
 * nothing more is on its way. Failures skip the batch.
 */
export function mapOkBatched<A, B>(
  step: (values: readonly A[]) => Promise<readonly Result<B>[]>,
  options: { size: number; waitMs: number; settled?: () => boolean; policy: RetryPolicy },
): OperatorFunction<Flow<A>, Flow<B>> {
  const run = async (batch: readonly Flow<A>[]): Promise<readonly Flow<B>[]> => {
    const okFlows = batch.filter((flow) => flow.value.result.ok);
    const values = okFlows.map((flow) => (flow.value.result as { value: A }).value);
    const outcome = values.length > 0 ? await withRetry(() => step(values), options.policy) : ok([] as Result<B>[]);
    const results = new Map<Flow<A>, Result<B>>();
    for (const [i, flow] of okFlows.entries()) {
      results.set(
        flow,
        outcome.ok ? (outcome.value[i] ?? fail('INTERNAL', 'batch step returned too few results')) : outcome,
      );
    }
    return batch.map((flow) => (results.has(flow) ? settle(flow, results.get(flow)!) : (flow as unknown as Flow<B>)));
  };
  return pipe(
    // In order: records never overtake each other.
    batchWhileBusy(run, { maxSize: options.size, lingerMs: options.waitMs, settled: options.settled }),
    concatMap((flows) => flows),
  );
}

/**
 * Feeds values to `write` in batches, one write at a time: after a short linger when idle, each
 * batch is everything that arrived while the previous write ran (up to `maxSize`). Under light
 * load batches stay small (low latency); under heavy load they grow, so a costly write — a Kafka
 * transaction — is paid per many records. No stock operator sizes batches by the sink's pace
 * (bufferTime's window is fixed). The queue is bounded by the source's in-flight limit.
 *
 * `settled`, when given, tells when nothing more is on its way (every record read so far has
 * arrived): the linger ends then, since waiting longer would only delay what is here. A source
 * that reads no further until its records are written makes this the usual case at low load.
 */
export function batchWhileBusy<T, R>(
  write: (batch: readonly T[]) => Promise<R>,
  options: { maxSize: number; lingerMs: number; settled?: () => boolean },
): OperatorFunction<T, R> {
  const settled = options.settled ?? (() => false);
  return (source) =>
    new Observable<R>((subscriber) => {
      const queue: T[] = [];
      let writing = false;
      let completed = false;
      /** Ends the linger under way, if any. */
      let endLinger: (() => void) | undefined;
      const linger = () =>
        new Promise<void>((resolve) => {
          if (settled()) return resolve();
          const timer = setTimeout(resolve, options.lingerMs);
          endLinger = () => {
            clearTimeout(timer);
            resolve();
          };
        }).finally(() => {
          endLinger = undefined;
        });
      const drain = async () => {
        writing = true;
        try {
          await linger();
          while (queue.length > 0 && !subscriber.closed) subscriber.next(await write(queue.splice(0, options.maxSize)));
        } catch (error) {
          subscriber.error(error);
          return;
        } finally {
          writing = false;
        }
        if (completed) subscriber.complete();
      };
      const subscription = source.subscribe({
        next(value) {
          queue.push(value);
          if (!writing) void drain();
          else if (endLinger && settled()) endLinger();
        },
        error: (error: unknown) => subscriber.error(error),
        complete() {
          completed = true;
          endLinger?.();
          if (!writing && queue.length === 0) subscriber.complete();
        },
      });
      return () => subscription.unsubscribe();
    });
}

/**
 * Counts values between two points of a pipe: `enter` before a stretch, `leave` after it. `empty`
 * is true when everything that entered has left — for an operator that emits one value per input
 * value, when nothing is still being worked on inside.
 */
export function inTransit(): {
  enter<T>(): MonoTypeOperatorFunction<T>;
  leave<T>(): MonoTypeOperatorFunction<T>;
  readonly empty: () => boolean;
} {
  let inside = 0;
  return {
    enter: () =>
      tap(() => {
        inside += 1;
      }),
    leave: () =>
      tap(() => {
        inside -= 1;
      }),
    empty: () => inside <= 0,
  };
}
