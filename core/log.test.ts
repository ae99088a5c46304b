import { describe, expect, it } from 'vitest';
import { createProcessLog, jsonLine } from './log.ts';

function collected(logFormat: 'text' | 'json', logLevel: 'debug' | 'info' = 'info') {
  const out: string[] = [];
  const err: string[] = [];
  const log = createProcessLog(
    { logLevel, logFormat },
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { log, out, err };
}

describe('the process log', () => {
  it('in text, says what it does on stdout and trouble on stderr, with its level', () => {
    const { log, out, err } = collected('text');
    log.debug('a retry');
    log.info('processor features running');
    log.warn('slow');
    log.error('failed');
    expect(out).toEqual(['processor features running']);
    expect(err).toEqual(['WARN slow', 'ERROR failed']);
  });

  it("in json, writes every line to stdout as one object in the edge's (pino's) shape", () => {
    const { log, out, err } = collected('json', 'debug');
    log.debug('kafkajs chatter "quoted"\nsecond line');
    log.info('stopped');
    log.warn('slow');
    log.error('failed');
    expect(err).toEqual([]);
    const lines = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [20, 'kafkajs chatter "quoted"\nsecond line'],
      [30, 'stopped'],
      [40, 'slow'],
      [50, 'failed'],
    ]);
    for (const line of lines) {
      expect(line.time).toEqual(expect.any(Number));
      expect(line).toMatchObject({ pid: process.pid, hostname: expect.any(String) });
    }
    expect(out.every((line) => !line.includes('\n'))).toBe(true);
  });

  it('keeps its level in json too', () => {
    const { log, out } = collected('json');
    log.debug('hidden');
    log.info('shown');
    expect(out.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('stamps the time it is given', () => {
    expect(JSON.parse(jsonLine('info', 'x', 1_700_000_000_000))).toMatchObject({ time: 1_700_000_000_000 });
  });
});
