import { describe, expect, it } from 'vitest';
import { recordId } from './produce.ts';

describe('recordId', () => {
  it("keeps the input's id without --count", () => {
    expect(recordId({ smsId: 'sms10001' }, undefined, 0)).toBe('sms10001');
  });

  it('gives every record a new id with --count, the first pass too, naming the message it copies', () => {
    const ids = [0, 1, 2].map((round) => recordId({ smsId: 'sms10001' }, 'a1b2c3', round));
    expect(ids).toEqual(['sms10001-a1b2c30', 'sms10001-a1b2c31', 'sms10001-a1b2c32']);
    expect(recordId({ smsId: 'sms10001' }, 'ffffff', 0)).not.toBe(ids[0]);
  });

  it('makes an id for a text that has none', () => {
    expect(recordId({}, undefined, 0)).toMatch(/^sms-[0-9a-f-]{36}$/);
  });
});
