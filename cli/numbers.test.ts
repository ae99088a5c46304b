import { Command, InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { nonNegativeInt, positiveInt, positiveNumber } from './numbers.ts';

describe('numeric options', () => {
  it('accepts what each kind allows', () => {
    expect(positiveInt('512')).toBe(512);
    expect(positiveNumber('0.5')).toBe(0.5);
    expect(nonNegativeInt('0')).toBe(0);
  });

  it.each([
    [positiveInt, ['0', '-3', '1.5', 'abc', '', ' ', 'Infinity', '1e400']],
    [positiveNumber, ['0', '-0.1', 'NaN', '', 'Infinity']],
    [nonNegativeInt, ['-1', '2.5', 'x', '']],
  ])('refuses out-of-kind values with a message naming the value', (parse, values) => {
    for (const raw of values) {
      expect(() => parse(raw), raw).toThrow(InvalidArgumentError);
      expect(() => parse(raw), raw).toThrow(JSON.stringify(raw));
    }
  });

  it('turns a bad value into a commander usage error, not a stack trace', () => {
    const errors: string[] = [];
    const command = new Command('x')
      .exitOverride()
      .configureOutput({ writeErr: (text) => errors.push(text) })
      .option('--count <n>', 'n', positiveInt)
      .action(() => {});
    expect(() => command.parse(['--count', 'ten'], { from: 'user' })).toThrow();
    expect(errors.join('')).toMatch(/option '--count <n>' argument 'ten' is invalid\. expected a positive integer/);
  });
});
