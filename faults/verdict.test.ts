import { describe, expect, it } from 'vitest';
import { type Observed, verdict } from './verdict.ts';

const scored = (smsId: string, origin = `sms.features/0@${smsId}`) =>
  ['v1', 'v2'].map((modelVersion) => ({ smsId, modelVersion, origin }));

const clean: Observed = {
  rawKeys: ['a', 'b', 'p'],
  predictions: [...scored('a'), ...scored('b')],
  deadLetters: [{ key: 'p', code: 'DECODE_FAILED', description: 'features DECODE_FAILED at sms.raw/0@2: not Avro' }],
  sentIds: ['a', 'b'],
  models: 2,
  poison: new Map([['p', 'DECODE_FAILED']]),
  oncePerId: false,
};

describe('the fault suite verdict', () => {
  it('passes a run where every good message has one prediction per model and every poison record its dead letter', () => {
    expect(verdict(clean)).toEqual({
      sent: 3,
      delivered: 2,
      lost: 0,
      duplicates: 0,
      dead_lettered: 1,
      problems: [],
      notes: [],
    });
  });

  it('counts a message missing a model as lost, and a poison record without its dead letter too', () => {
    const result = verdict({ ...clean, predictions: [...scored('a'), scored('b')[0]!], deadLetters: [] });
    expect(result.lost).toBe(2);
    expect(result.problems).toEqual([
      '2 lost (1 messages without all 2 predictions, 1 poison records not dead-lettered)',
    ]);
  });

  it('counts a prediction seen twice as a duplicate and says whether both came from one input record', () => {
    const result = verdict({ ...clean, predictions: [...clean.predictions, scored('a')[0]!] });
    expect(result.duplicates).toBe(1);
    expect(result.problems).toEqual(['1 duplicate predictions']);
    expect(result.notes[0]).toMatch(
      /^duplicates: 1 of 1 twice-seen predictions come from the same sms.features record/,
    );
  });

  it('forgives a second prediction of a raw record the harness wrote twice, unless the pipeline wrote sms.raw', () => {
    const twice = { ...clean, rawKeys: [...clean.rawKeys, 'a'], predictions: [...clean.predictions, ...scored('a')] };
    expect(verdict(twice)).toMatchObject({ sent: 3, duplicates: 0, problems: [] });
    expect(verdict(twice).notes).toEqual([
      "1 raw records written twice by the harness's retried sends (not counted as duplicates)",
    ]);
    expect(verdict({ ...twice, oncePerId: true })).toMatchObject({ duplicates: 2 });
  });

  it('fails a poison record dead-lettered with another code, and any dead letter of a good message', () => {
    const result = verdict({
      ...clean,
      deadLetters: [
        { key: 'p', code: 'UNKNOWN_SCHEMA', description: 'x' },
        { key: 'a', code: 'INTERNAL', description: 'features INTERNAL at sms.raw/0@0: boom' },
      ],
    });
    expect(result.problems).toEqual([
      '1 poison records dead-lettered with another code than expected',
      '1 dead letters of good messages, e.g. a (features INTERNAL at sms.raw/0@0: boom)',
    ]);
  });
});
