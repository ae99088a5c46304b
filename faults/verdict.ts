// The fault suite's verdict, from what was read off the topics after a scenario: pure, so every rule
// of counting (what is lost, what a duplicate is, which dead letters are wrong) is unit-tested.

export interface ObservedPrediction {
  readonly smsId: string;
  readonly modelVersion: string;
  /** Its `spamstream-origin` header: the input record it was computed from. */
  readonly origin: string;
}

export interface ObservedDeadLetter {
  /** The key of the record that was dead-lettered. */
  readonly key: string;
  readonly code: string;
  /** Where it failed and why, for the report. */
  readonly description: string;
}

export interface Observed {
  /** The key of every record on sms.raw. */
  readonly rawKeys: readonly string[];
  readonly predictions: readonly ObservedPrediction[];
  readonly deadLetters: readonly ObservedDeadLetter[];
  /** The ids of the good messages the scenario sent. */
  readonly sentIds: readonly string[];
  /** Predictions each good message is due: one per model. */
  readonly models: number;
  /** Each poison record's key → the code its dead letter must carry. */
  readonly poison: ReadonlyMap<string, string>;
  /**
   * Where the pipeline writes sms.raw itself (CDC), every message is due exactly once; otherwise a
   * raw record the harness wrote twice (a retried send) is due twice, and that is not the pipeline's doing.
   */
  readonly oncePerId: boolean;
}

export interface Verdict {
  /** Records produced to sms.raw (good and, where the scenario sends them, poison). */
  readonly sent: number;
  /** Good messages with a prediction of every model. */
  readonly delivered: number;
  /** Good messages lacking a prediction, and poison records missing from sms.dlq. */
  readonly lost: number;
  /** Predictions a read-committed consumer sees more than once per produced raw record. */
  readonly duplicates: number;
  readonly dead_lettered: number;
  /** Every check that failed, in words. */
  readonly problems: readonly string[];
  /** What was observed along the way (outage lengths, exit times…). */
  readonly notes: readonly string[];
}

const countBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
};

export function verdict(observed: Observed): Verdict {
  const { models, poison } = observed;
  const problems: string[] = [];
  const notes: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);

  const rawCount = countBy(observed.rawKeys, (key) => key);
  const perPrediction = countBy(observed.predictions, (p) => `${p.smsId}|${p.modelVersion}`);
  const modelsPer = countBy([...perPrediction.keys()], (key) => key.slice(0, key.lastIndexOf('|')));
  let duplicates = 0;
  for (const [key, count] of perPrediction) {
    const id = key.slice(0, key.lastIndexOf('|'));
    duplicates += Math.max(0, count - (observed.oncePerId ? 1 : (rawCount.get(id) ?? 1)));
  }
  const good = [...new Set(observed.sentIds)];
  const delivered = good.filter((id) => modelsPer.get(id) === models).length;
  const producerDuplicates = [...rawCount.values()].reduce((sum, n) => sum + n - 1, 0);
  if (producerDuplicates > 0)
    notes.push(
      observed.oncePerId
        ? `${producerDuplicates} messages written to sms.raw more than once`
        : `${producerDuplicates} raw records written twice by the harness's retried sends (not counted as duplicates)`,
    );

  const lettered = new Map<string, string[]>();
  const why = new Map<string, string>();
  for (const letter of observed.deadLetters) {
    lettered.set(letter.key, [...(lettered.get(letter.key) ?? []), letter.code]);
    why.set(letter.key, letter.description);
  }
  let poisonLost = 0;
  let wrongCode = 0;
  for (const [key, code] of poison) {
    const codes = lettered.get(key);
    if (!codes) poisonLost += 1;
    else if (!codes.includes(code)) wrongCode += 1;
  }
  const stray = [...lettered.keys()].filter((key) => !poison.has(key));
  check(wrongCode === 0, `${wrongCode} poison records dead-lettered with another code than expected`);
  const strayExamples = stray
    .slice(0, 3)
    .map((key) => `${key} (${why.get(key)})`)
    .join('; ');
  check(stray.length === 0, `${stray.length} dead letters of good messages, e.g. ${strayExamples}`);
  const lost = good.length - delivered + poisonLost;
  check(
    lost === 0,
    `${lost} lost (${good.length - delivered} messages without all ${models} predictions, ${poisonLost} ` +
      'poison records not dead-lettered)',
  );
  if (duplicates > 0) {
    // Where they come from: the same sms.features record scored twice (a scoring instance's second
    // commit), or two sms.features records of one message (the features stage wrote it twice).
    const origins = new Map<string, string[]>();
    for (const p of observed.predictions) {
      const key = `${p.smsId}|${p.modelVersion}`;
      origins.set(key, [...(origins.get(key) ?? []), p.origin]);
    }
    const twice = [...origins].filter(([, from]) => from.length > 1);
    const sameInput = twice.filter(([, from]) => new Set(from).size < from.length).length;
    const examples = twice
      .slice(0, 3)
      .map(([key, from]) => `${key} from ${from.join(' and ')}`)
      .join('; ');
    notes.push(
      `duplicates: ${sameInput} of ${twice.length} twice-seen predictions come from the same sms.features record; ` +
        `e.g. ${examples}`,
    );
  }
  check(duplicates === 0, `${duplicates} duplicate predictions`);
  return {
    sent: observed.rawKeys.length - producerDuplicates,
    delivered,
    lost,
    duplicates,
    dead_lettered: observed.deadLetters.length,
    problems,
    notes,
  };
}
