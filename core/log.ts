// The process log: one line per event, filtered by level. Expected trouble — a retry, a
// rebalance, a broker that is briefly away — is `debug`, so a normal run stays quiet and a real
// problem stands out.
import { hostname } from 'node:os';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/** `text` for a person at a terminal; `json` for a log collector (a container's stdout). */
export type LogFormat = 'text' | 'json';

export interface Log {
  debug(line: string): void;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
// pino's level numbers and field names: the edge's request log is pino's (through Fastify), so
// both kinds of line read the same to a collector.
const PINO_LEVEL: Record<LogLevel, number> = { debug: 20, info: 30, warn: 40, error: 50 };
/** Asked once: every JSON line carries it, and each asking is a system call. */
const HOSTNAME = hostname();

type Sink = (level: LogLevel, line: string) => void;
const toStdout = (line: string) => process.stdout.write(`${line}\n`);
const toStderr = (line: string) => process.stderr.write(`${line}\n`);

function logAt(level: LogLevel, sink: Sink): Log {
  const at = (lineLevel: LogLevel) => (line: string) => {
    if (RANK[lineLevel] >= RANK[level]) sink(lineLevel, line);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** `info` lines as they are, the others prefixed with their level. */
export function textLine(level: LogLevel, line: string): string {
  return level === 'info' ? line : `${level.toUpperCase()} ${line}`;
}

/** One JSON object: `level` (pino's number), `time` (ms since the epoch), `pid`, `hostname`, `msg`. */
export function jsonLine(level: LogLevel, line: string, time: number = Date.now()): string {
  return JSON.stringify({ level: PINO_LEVEL[level], time, pid: process.pid, hostname: HOSTNAME, msg: line });
}

/** Text lines, all to `write` (stderr unless given). */
export function createLog(level: LogLevel, write: (line: string) => void = toStderr): Log {
  return logAt(level, (lineLevel, line) => write(textLine(lineLevel, line)));
}

export interface ProcessLogSettings {
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

/**
 * The log of `start`, `run` and `replay`. In `text`, what the process is doing (`info`) goes to
 * stdout and trouble to stderr; in `json`, every line is a JSON object on stdout, as container
 * platforms collect it.
 */
export function createProcessLog(
  settings: ProcessLogSettings,
  out: (line: string) => void = toStdout,
  err: (line: string) => void = toStderr,
): Log {
  if (settings.logFormat === 'json') return logAt(settings.logLevel, (level, line) => out(jsonLine(level, line)));
  return logAt(settings.logLevel, (level, line) => (level === 'info' ? out : err)(textLine(level, line)));
}

/** Discards everything: the default where no log is wired. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
