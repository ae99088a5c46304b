// `spamstream reset`: moves a live processor's consumer-group offsets (like Kafka Streams'
// application reset tool). Kafka only accepts new offsets for a group without members, so it
// refuses while any instance of the processor runs, and names them.
import type { Config } from '../config/config.ts';
import { processorSpecs } from '../topology/graph.ts';
import { parseOffsetSpec } from './offsets.ts';
import { connectGroupAdmin } from './wiring.ts';

export interface OffsetMove {
  readonly partition: number;
  /** The committed offset before, if any. */
  readonly from?: bigint;
  readonly to: bigint;
}

export interface ResetOutcome {
  readonly groupId: string;
  /** Each input topic of the processor and its partitions' moves. */
  readonly topics: readonly { readonly topic: string; readonly moves: readonly OffsetMove[] }[];
  readonly applied: boolean;
}

/** The processors `reset` knows: those of the topology. */
export const resettable = (config: Config): string[] => processorSpecs(config).map((spec) => spec.name);

export async function resetProcessor(
  config: Config,
  processor: string,
  to: string,
  options: { dryRun?: boolean } = {},
): Promise<ResetOutcome> {
  const spec = processorSpecs(config).find((s) => s.name === processor);
  if (!spec) throw new Error(`no processor ${processor} in the topology (there are ${resettable(config).join(', ')})`);
  const target = parseOffsetSpec(to, false);
  const admin = connectGroupAdmin(config, '-reset');
  const members = await admin.groupMembers(spec.groupId);
  if (members.length > 0) {
    const who = members.map((m) => `${m.clientId} on ${m.clientHost} (${m.memberId})`).join('; ');
    throw new Error(
      `consumer group ${spec.groupId} has ${members.length} live member(s): ${who}. Stop every ${processor} instance first.`,
    );
  }
  const topics = [];
  for (const topic of spec.inputs) {
    const [targets, committed] = await Promise.all([
      admin.resolveOffsets(topic, target),
      admin.committedOffsets(spec.groupId, topic),
    ]);
    const moves = [...targets].map(([partition, offset]) => ({
      partition,
      from: committed.get(partition),
      to: offset,
    }));
    if (!options.dryRun) await admin.setGroupOffsets(spec.groupId, topic, targets);
    topics.push({ topic, moves });
  }
  return { groupId: spec.groupId, topics, applied: !options.dryRun };
}
