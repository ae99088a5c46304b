// A replay's progress on sms.replays, for whoever watches it from elsewhere (the edge's live page
// and `/metrics`, on this machine or another): a record about every second while it runs, keyed by
// its consumer group, and a last one when it ends. Watching is a nicety, never the replay's
// business: a record that cannot be written is told to the debug log and skipped, a tick whose
// predecessor is still being written is skipped (the next one carries newer figures anyway), and
// the run never waits on a write — the last record gets a few seconds, then the run ends regardless.
import type { RecordCodec } from '../connectors/codec.ts';
import type { RecordWriter } from '../connectors/kafka.ts';
import { settleWithin } from '../connectors/kafka/produce.ts';
import type { Log } from '../core/log.ts';
import type { ReplayStatus } from '../schemas/index.ts';
import { valueSubject } from '../topology/topics.ts';

export interface StatusPublisher {
  /** Writes the record in the background; dropped while the previous one is still being written. Never throws. */
  publish(status: ReplayStatus): void;
  /**
   * Writes the last record after any pending one, waiting `timeoutMs` at most, and ignores every
   * `publish` from then on (a tick still computing must not follow the last record). Never rejects.
   */
  finish(status: ReplayStatus): Promise<void>;
}

export interface StatusPublisherOptions {
  readonly log: Log;
  /** How long `finish` waits for the last record (default 5 s). */
  readonly timeoutMs?: number;
}

export function createStatusPublisher(
  writer: RecordWriter,
  codec: RecordCodec,
  topic: string,
  options: StatusPublisherOptions,
): StatusPublisher {
  const subject = valueSubject(topic);
  let pending: Promise<void> | undefined;
  let finished = false;

  const write = async (status: ReplayStatus) => {
    try {
      const value = await codec.encode(subject, status);
      await writer.send([{ topic, key: status.group_id, value }]);
    } catch (error) {
      options.log.debug(
        `replay ${status.run_id}: progress not published to ${topic}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
  const start = (status: ReplayStatus) => {
    const sending = write(status).finally(() => {
      if (pending === sending) pending = undefined;
    });
    pending = sending;
    return sending;
  };

  return {
    publish(status) {
      if (finished || pending) return;
      void start(status);
    },
    async finish(status) {
      if (finished) return;
      finished = true;
      const before = pending;
      await settleWithin(
        options.timeoutMs ?? 5_000,
        (async () => {
          await before; // one producer, one partition: the last record lands after it
          await start(status);
        })(),
      );
    },
  };
}
