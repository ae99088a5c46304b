import { describe, expect, it } from 'vitest';
import {
  type Phase,
  type SourceEvent,
  type SourceLife,
  initialLife,
  mustClaim,
  next,
  phaseOf,
  released,
  running,
} from './partition-lifecycle.ts';

const P = 'sms.raw:0';
const Q = 'sms.raw:1';
const PHASES: readonly Phase[] = ['assigned', 'claiming', 'reading', 'draining', 'revoked'];
const at = (phase: Phase, partition = P): SourceLife => ({
  mode: 'running',
  partitions: new Map([[partition, phase]]),
});
const run = (events: readonly SourceEvent[], from = initialLife) => events.reduce(next, from);
const on = (type: Exclude<SourceEvent['type'], 'joined' | 'finishing' | 'closing'>, partition = P) =>
  ({ type, partition }) as SourceEvent;

describe('the partition lifecycle', () => {
  it('claims a partition before its first batch, and reads later batches under the same claim', () => {
    let life = next(initialLife, on('batch'));
    expect(mustClaim(life, P)).toBe(true);
    life = run([on('claimed'), on('drain'), on('committed'), on('batch')], life);
    expect(phaseOf(life, P)).toBe('reading');
    expect(mustClaim(life, P)).toBe(false);
  });

  // Every phase × every partition event: the whole table, so a change to it is a change to this test.
  it.each([
    ['assigned', { batch: 'claiming', claimed: 'assigned', drain: 'assigned', committed: 'assigned' }],
    ['claiming', { batch: 'claiming', claimed: 'reading', drain: 'claiming', committed: 'claiming' }],
    ['reading', { batch: 'reading', claimed: 'reading', drain: 'draining', committed: 'reading' }],
    ['draining', { batch: 'claiming', claimed: 'draining', drain: 'draining', committed: 'reading' }],
    ['revoked', { batch: 'claiming', claimed: 'revoked', drain: 'revoked', committed: 'revoked' }],
  ] as const)('from %s', (from, expected) => {
    for (const [type, to] of Object.entries(expected))
      expect(phaseOf(next(at(from), on(type as 'batch')), P), `${from} --${type}-->`).toBe(to);
    expect(phaseOf(next(at(from), on('drain-timed-out')), P)).toBe('revoked');
    expect(phaseOf(next(at(from), on('handed-back')), P)).toBe('assigned');
  });

  it('a partition that did not drain in time is claimed again before its next batch', () => {
    const life = run([on('batch'), on('claimed'), on('drain'), on('drain-timed-out'), on('batch')]);
    expect(mustClaim(life, P)).toBe(true);
  });

  it('a partition handed back after a refused transaction is claimed again, and only that one', () => {
    const owned = run([on('batch'), on('claimed'), on('batch', Q), on('claimed', Q)]);
    const life = run([on('handed-back'), on('batch'), on('batch', Q)], owned);
    expect(mustClaim(life, P)).toBe(true);
    expect(mustClaim(life, Q)).toBe(false);
  });

  it('a claim that failed is tried again at the next batch', () => {
    expect(mustClaim(run([on('batch'), on('batch')]), P)).toBe(true);
  });

  it('a rejoin makes every partition it owned be claimed again', () => {
    const owned = run([on('batch'), on('claimed'), on('batch', Q), on('claimed', Q), on('drain', Q)]);
    const life = next(owned, { type: 'joined', assigned: [P, Q] });
    for (const phase of PHASES.filter((p) => p !== 'assigned'))
      expect([...life.partitions.values()]).not.toContain(phase);
    expect(mustClaim(run([on('batch'), on('batch', Q)], life), P)).toBe(true);
    expect(mustClaim(run([on('batch'), on('batch', Q)], life), Q)).toBe(true);
  });

  it('a rejoin releases the partitions it held and was not given again, and only those', () => {
    const owned = run([on('batch'), on('claimed'), on('batch', Q), on('claimed', Q)]);
    const R = 'sms.raw:2';
    const life = next(owned, { type: 'joined', assigned: [P, R] });
    expect(released(owned, life)).toEqual([Q]);
    expect([...life.partitions.keys()]).toEqual([P, R]);
    expect(mustClaim(next(life, on('batch', R)), R)).toBe(true);
    expect(released(life, next(life, { type: 'joined', assigned: [P, R] }))).toEqual([]);
  });

  it('runs until it finishes or closes; finishing then closing, never back', () => {
    expect(running(initialLife)).toBe(true);
    const finishing = next(initialLife, { type: 'finishing' });
    expect([finishing.mode, running(finishing)]).toEqual(['finishing', false]);
    expect(next(finishing, { type: 'closing' }).mode).toBe('closing');
    expect(run([{ type: 'closing' }, { type: 'finishing' }]).mode).toBe('closing');
  });

  it('never changes the state it was given', () => {
    const before = at('reading');
    next(before, on('drain'));
    next(before, { type: 'joined', assigned: [] });
    expect(phaseOf(before, P)).toBe('reading');
  });
});
