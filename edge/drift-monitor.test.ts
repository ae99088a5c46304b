import { describe, expect, it } from 'vitest';
import { CHECK_EVERY, type DriftAlarm, type DriftReference, alarmLine, createDriftMonitor } from './drift-monitor.ts';
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

  it('tells each crossing once, in one alarm for the models that crossed alike, and when it is back', async () => {
    const alarms: DriftAlarm[] = [];
    const monitor = createDriftMonitor([reference('v1'), reference('v3')], 200, (alarm) => alarms.push(alarm));
    for (const views of likeTraining(400)) monitor.observe(views);
    expect(alarms).toEqual([]);
    for (let i = 0; i < 5 * CHECK_EVERY; i++) monitor.observe(v1(9, i % 10 < 9 ? 0 : 1)); // only `a` shifts
    expect(alarms.map((a) => [a.event, a.modelVersions, a.fields.map((f) => f.name)])).toEqual([
      ['raised', ['v1', 'v3'], ['a']],
    ]);
    expect(alarms[0]!.fields[0]!.psi).toBeGreaterThan(0.25);
    expect(alarms[0]!.messages).toBe(200);
    expect(alarmLine(alarms[0]!)).toMatch(
      /^drift: view v1 of models v1, v3, over the last 200 live messages: 1 statistic\(s\) reached PSI 0\.25 against the training data: a [0-9.]+$/,
    );
    for (const views of likeTraining(400)) monitor.observe(views);
    expect(alarms.slice(1).map((a) => [a.event, a.modelVersions, a.fields.map((f) => f.name)])).toEqual([
      ['cleared', ['v1', 'v3'], ['a']],
    ]);
    expect(alarmLine(alarms[1]!)).toMatch(
      /^drift: view v1 of models v1, v3, .*: 1 statistic\(s\) back below PSI 0\.1: a /,
    );
  });

  it('tells models apart whose training data differ', () => {
    const alarms: DriftAlarm[] = [];
    const other = {
      ...reference('v4'),
      fields: [{ name: 'a', edges: [5], counts: [500, 500] }, reference().fields[1]!],
    };
    const monitor = createDriftMonitor([reference('v3'), other], 200, (alarm) => alarms.push(alarm));
    for (let i = 0; i < 200; i++) monitor.observe(v1(9, i % 10 < 9 ? 0 : 1));
    expect(alarms.map((a) => [a.modelVersions, a.fields.map((f) => f.name)])).toEqual([
      [['v3'], ['a']],
      [['v4'], ['a']],
    ]);
    expect(alarmLine(alarms[1]!)).toMatch(/^drift: view v1 of model v4, /);
  });

  it('does not raise before the window is full, however shifted its first messages are', () => {
    const alarms: DriftAlarm[] = [];
    const monitor = createDriftMonitor([reference()], 1000, (alarm) => alarms.push(alarm));
    for (let i = 0; i < 900; i++) monitor.observe(v1(9, 1));
    expect(monitor.snapshot().models[0]!.fields[0]!.band).toBe('major');
    expect(alarms).toEqual([]);
    for (let i = 0; i < 100; i++) monitor.observe(v1(9, 1));
    expect(alarms.map((a) => a.event)).toEqual(['raised']);
    expect(alarms[0]!.modelVersions).toEqual(['v1']);
  });

  it('refuses a window that is not a positive whole number', () => {
    expect(() => createDriftMonitor([reference()], 0)).toThrow(RangeError);
  });
});
