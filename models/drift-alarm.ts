// When a statistic's drift is worth a log line: a pure state machine per (model, statistic), so a
// PSI that hovers around a threshold warns once per crossing, not once per message or per check.
//
//   quiet ──(window full and PSI ≥ PSI_MAJOR)──► raised      event "raised"  (a WARN line)
//   raised ──(PSI < PSI_MODERATE)──────────────► quiet       event "cleared" (an info line)
//
// Between the two thresholds nothing changes, whichever the state: the gap is the hysteresis.
// A window that is not yet full never raises: a few hundred messages are too few to judge by.
import { PSI_MAJOR, PSI_MODERATE } from './drift.ts';

export type AlarmState = 'quiet' | 'raised';
export type AlarmEvent = 'raised' | 'cleared';

export interface AlarmStep {
  readonly state: AlarmState;
  readonly event?: AlarmEvent;
}

export function nextAlarm(state: AlarmState, psi: number, windowFull: boolean): AlarmStep {
  if (state === 'quiet' && windowFull && psi >= PSI_MAJOR) return { state: 'raised', event: 'raised' };
  if (state === 'raised' && psi < PSI_MODERATE) return { state: 'quiet', event: 'cleared' };
  return { state };
}
