import { describe, expect, it } from 'vitest';
import { V1_FIELDS, textStatsView } from './v1-text-stats.ts';

const stats = (text: string): Record<string, number> => {
  const values = textStatsView.compute(text);
  return Object.fromEntries(V1_FIELDS.map((field, i) => [field.name, values[i] as number]));
};
const f32 = Math.fround;

describe('view v1 (text statistics)', () => {
  it('documents one field per value, with distinct names and a description each', () => {
    expect(textStatsView.length).toBe(V1_FIELDS.length);
    expect(new Set(V1_FIELDS.map((f) => f.name)).size).toBe(V1_FIELDS.length);
    for (const field of V1_FIELDS) expect(field.description.length).toBeGreaterThan(5);
    for (const cue of ['free', 'money', 'prize', 'win', 'won', 'winner', 'cash']) expect(V1_FIELDS.map((f) => f.name)).toContain(`has_${cue}`);
  });

  it('is all zeros for an empty text (ratios of nothing are 0, not NaN)', () => {
    expect(textStatsView.compute('')).toEqual(new Array(textStatsView.length).fill(0));
  });

  it('counts code points, not UTF-16 units', () => {
    expect(stats('😀😀').char_count).toBe(2);
    expect(stats('𝐀b').char_count).toBe(2);
    expect(stats('ab cd  efg').word_count).toBe(3);
    expect(stats('ab cd  efg').mean_word_length).toBe(f32(7 / 3));
  });

  it('computes the capital ratio over letters of any script', () => {
    expect(stats('ABcd 12!').capital_ratio).toBe(0.5);
    expect(stats('ПРИвет').capital_ratio).toBe(0.5);
    expect(stats('مرحبا').capital_ratio).toBe(0);
    expect(stats('123').capital_ratio).toBe(0);
  });

  it('computes non-alphabetic and digit ratios over all code points', () => {
    const s = stats('ab 12!');
    expect(s.non_alpha_ratio).toBe(f32(3 / 6));
    expect(s.digit_ratio).toBe(f32(2 / 6));
    expect(s.digit_count).toBe(2);
    expect(stats('你好').non_alpha_ratio).toBe(0);
  });

  it('finds digit runs and phone-number-like runs', () => {
    const s = stats('Call 0800 123 4567 or 87121, code 12');
    expect(s.longest_digit_run).toBe(5);
    expect(s.phone_number_count).toBe(2);
    expect(stats('1234').phone_number_count).toBe(0);
  });

  it('counts links, currency signs and money amounts', () => {
    expect(stats('see www.win.com and https://a.b/c and shop.co.uk').url_count).toBe(3);
    expect(stats('£1000 or $5, €, 150p per msg').currency_sign_count).toBe(3);
    expect(stats('£1000 or $5, €, 150p per msg').money_amount_count).toBe(3);
  });

  it('counts exclamation and question marks, and the longest ! run', () => {
    const s = stats('Hi!! really?? yes!!!');
    expect(s.exclamation_count).toBe(5);
    expect(s.longest_exclamation_run).toBe(3);
    expect(s.question_count).toBe(2);
  });

  it('counts all-caps words of two or more capitals', () => {
    expect(stats('FREE entry WIN! A I OK2 ok').all_caps_word_count).toBe(3);
  });

  it('counts emoji and the share of non-Latin letters', () => {
    expect(stats('ok 👍🏽 🎉').emoji_count).toBe(2);
    expect(stats('abПр').non_latin_letter_ratio).toBe(0.5);
    expect(stats('😀').non_latin_letter_ratio).toBe(0);
  });

  it('sets cue fields on whole tokens only, whatever the case', () => {
    const s = stats('FREE!!! You WON a Prize, call now to claim your CASH');
    for (const cue of ['has_free', 'has_won', 'has_prize', 'has_call', 'has_claim', 'has_cash', 'has_urgent']) expect(s[cue], cue).toBe(1);
    for (const cue of ['has_money', 'has_win', 'has_winner', 'has_mobile', 'has_first_person']) expect(s[cue], cue).toBe(0);
    expect(stats('freedom is priceless').has_free).toBe(0);
    expect(stats('I will be home later lol').has_first_person).toBe(1);
    expect(stats('I will be home later lol').has_chat).toBe(1);
    expect(stats('subscribe to my channel').has_channel).toBe(1);
  });

  it('returns float32-exact values only', () => {
    for (const text of ['Ab c? 1/3 of £7 😀', 'x'.repeat(10_000), 'مرحبا Привет 你好']) {
      for (const value of textStatsView.compute(text)) expect(Math.fround(value)).toBe(value);
    }
  });

  it('handles very long text', () => {
    const s = stats('WIN cash now! '.repeat(5_000));
    expect(s.char_count).toBe(70_000);
    expect(s.exclamation_count).toBe(5_000);
    expect(s.has_win).toBe(1);
  });

  it('is deterministic', () => {
    const text = 'URGENT! Call 09061701461 to claim £900 🎉 Привет 你好';
    expect(textStatsView.compute(text)).toEqual(textStatsView.compute(text));
  });
});
