import { describe, expect, it } from 'vitest';
import { V1_FIELDS, textStatsView } from './v1-text-stats.ts';

const stats = (text: string): Record<string, number> => {
  const values = textStatsView.compute(text);
  return Object.fromEntries(V1_FIELDS.map((field, i) => [field.name, values[i] as number]));
};
const f32 = Math.fround;

describe('view v1 (text statistics)', () => {
  it('documents one field per value, with distinct names and a description each', () => {
    // 18 statistics and 19 cue words: the width models v1 and v3 were trained on.
    expect(V1_FIELDS).toHaveLength(37);
    expect(textStatsView.length).toBe(37);
    expect(textStatsView.compute('any text')).toHaveLength(37);
    expect(new Set(V1_FIELDS.map((f) => f.name)).size).toBe(V1_FIELDS.length);
    for (const field of V1_FIELDS) expect(field.description.length).toBeGreaterThan(5);
    for (const cue of ['free', 'money', 'prize', 'win', 'won', 'winner', 'cash'])
      expect(V1_FIELDS.map((f) => f.name)).toContain(`has_${cue}`);
  });

  it('is all zeros for an empty text (ratios of nothing are 0, not NaN)', () => {
    const values = textStatsView.compute('');
    expect(values).toHaveLength(37);
    expect(values.every((value) => value === 0)).toBe(true);
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
    for (const cue of ['has_free', 'has_won', 'has_prize', 'has_call', 'has_claim', 'has_cash', 'has_urgent'])
      expect(s[cue], cue).toBe(1);
    for (const cue of ['has_money', 'has_win', 'has_winner', 'has_mobile', 'has_first_person'])
      expect(s[cue], cue).toBe(0);
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

  it('computes every field of one message as counted by hand', () => {
    // 9 chunks; 45 code points (8 spaces); letters F R E E e n t r y C a l l n o w w i n = 19, capitals F R E E C = 5;
    // digits 09061 701461 900 = 14; "09061 701461" is one phone-like run; "£900" one money amount.
    const expected: Record<string, number> = {
      char_count: 45,
      word_count: 9,
      mean_word_length: f32(37 / 9),
      capital_ratio: f32(5 / 19),
      non_alpha_ratio: f32(18 / 45),
      digit_ratio: f32(14 / 45),
      digit_count: 14,
      longest_digit_run: 6,
      phone_number_count: 1,
      url_count: 0,
      currency_sign_count: 1,
      money_amount_count: 1,
      exclamation_count: 1,
      longest_exclamation_run: 1,
      question_count: 0,
      all_caps_word_count: 1,
      emoji_count: 1,
      non_latin_letter_ratio: 0,
      has_free: 1,
      has_money: 0,
      has_prize: 0,
      has_win: 1,
      has_won: 0,
      has_winner: 0,
      has_cash: 0,
      has_call: 1,
      has_txt: 0,
      has_claim: 0,
      has_urgent: 1,
      has_mobile: 0,
      has_reply: 0,
      has_stop: 0,
      has_offer: 0,
      has_award: 0,
      has_channel: 0,
      has_first_person: 0,
      has_chat: 0,
    };
    const text = 'FREE entry! Call 09061 701461 now, win £900 😀';
    expect(stats(text)).toEqual(expected);
    // No state carried between calls (a global regex's lastIndex, say): the same answer after other texts.
    stats('WIN WIN 0800 123 4567 www.x.com');
    expect(stats(text)).toEqual(expected);
  });
});
