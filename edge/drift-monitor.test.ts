import { describe, expect, it } from 'vitest';
import { CHECK_EVERY, type DriftAlarm, type DriftReference, createDriftMonitor } from './drift-monitor.ts';
import { psi } from '../models/drift.ts';

/** Two statistics: `a` binned at 1 and 2 (three bins), `b` at 0 (two bins); 1,000 training rows. */
const reference = (modelVersion = 'v1'): DriftReference => ({
  modelVersion,
  view: 'v1',
  viewVersion: 1,
  fields: [
    { name: 'a', edges: [1, 2], counts: [500, 300, 200] },
    { name: 'b', edges: [0], counts: [900, 100] },
  ],
});
const v1 = (a: number, b: number) => [{ view: 'v1', version: 1, values: [a, b] }];

/** `count` messages drawn in the training proportions: a in bins 5:3:2, b 9:1. */
function likeTraining(count: number, offset = 0) {
  return Array.from({ length: count }, (_, i) => {
    const k = (i + offset) % 10;
    return v1(k < 5 ? 0.5 : k < 8 ? 1.5 : 7, k < 9 ? 0 : 1);
  });
}

describe('the drift monitor', () => {
  it('gives no figures until the window holds 100 messages, then the PSI per statistic', () => {
    const monitor = createDriftMonitor([reference()], 1000);
    for (const views of likeTraining(99)) monitor.observe(views);
    expect(monitor.snapshot().models).toEqual([{ modelVersion: 'v1', view: 'v1', messages: 99, fields: [] }]);
    monitor.observe(likeTraining(1, 99)[0]!);
    const [model] = monitor.snapshot().models;
    expect(model!.messages).toBe(100);
    expect(model!.fields.map((f) => f.name)).toEqual(['a', 'b']);
    for (const field of model!.fields) {
      expect(field.psi).toBeLessThan(0.01);
      expect(field.band).toBe('stable');
    }
  });

  it('counts only the last `window` messages: old ones leave the bins as new ones come', () => {
    const monitor = createDriftMonitor([reference()], 200);
    for (const views of likeTraining(200)) monitor.observe(views);
    for (let i = 0; i < 150; i++) monitor.observe(v1(9, 1)); // everything in the top bins now
    const fields = monitor.snapshot().models[0]!.fields;
    // The window: the last 50 drawn like training (25:15:10, 45:5) and the 150 shifted ones.
    expect(fields[0]!.psi).toBeCloseTo(psi([500, 300, 200], [25, 15, 160]), 12);
    expect(fields[1]!.psi).toBeCloseTo(psi([900, 100], [45, 155]), 12);
    expect(fields.map((f) => f.band)).toEqual(['major', 'major']);
    expect(monitor.snapshot().models[0]!.messages).toBe(200);
  });

  it('ignores views it has no reference for, and vectors of another version or length', () => {
    const monitor = createDriftMonitor([reference()], 100);
    monitor.observe([{ view: 'v2', version: 1, values: [1, 2, 3] }]);
    monitor.observe([{ view: 'v1', version: 2, values: [1, 2] }]);
    monitor.observe([{ view: 'v1', version: 1, values: [1, 2, 3] }]);
    expect(monitor.snapshot().models[0]!.messages).toBe(0);
  });

  it('tells each crossing once, per model, with every statistic that crossed, and when it is back', () => {
    const alarms: DriftAlarm[] = [];
    const monitor = createDriftMonitor([reference('v1'), reference('v3')], 200, (alarm) => alarms.push(alarm));
    for (const views of likeTraining(400)) monitor.observe(views);
    expect(alarms).toEqual([]);
    for (let i = 0; i < 5 * CHECK_EVERY; i++) monitor.observe(v1(9, i % 10 < 9 ? 0 : 1)); // only `a` shifts
    expect(alarms.map((a) => [a.event, a.modelVersion, a.fields.map((f) => f.name)])).toEqual([
      ['raised', 'v1', ['a']],
      ['raised', 'v3', ['a']],
    ]);
    expect(alarms[0]!.fields[0]!.psi).toBeGreaterThan(0.25);
    expect(alarms[0]!.messages).toBe(200);
    for (const views of likeTraining(400)) monitor.observe(views);
    expect(alarms.slice(2).map((a) => [a.event, a.modelVersion, a.fields.map((f) => f.name)])).toEqual([
      ['cleared', 'v1', ['a']],
      ['cleared', 'v3', ['a']],
    ]);
  });

  it('does not raise before the window is full, however shifted its first messages are', () => {
    const alarms: DriftAlarm[] = [];
    const monitor = createDriftMonitor([reference()], 1000, (alarm) => alarms.push(alarm));
    for (let i = 0; i < 900; i++) monitor.observe(v1(9, 1));
    expect(monitor.snapshot().models[0]!.fields[0]!.band).toBe('major');
    expect(alarms).toEqual([]);
    for (let i = 0; i < 100; i++) monitor.observe(v1(9, 1));
    expect(alarms.map((a) => a.event)).toEqual(['raised']);
  });

  it('refuses a window that is not a positive whole number', () => {
    expect(() => createDriftMonitor([reference()], 0)).toThrow(RangeError);
  });
});
