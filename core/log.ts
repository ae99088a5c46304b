// The process log: one line per event on stderr, filtered by level. Expected trouble — a retry, a
// rebalance, a broker that is briefly away — is `debug`, so a normal run stays quiet and a real
// problem stands out.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  debug(line: string): void;
  info(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLog(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Log {
  const at = (lineLevel: LogLevel) => (line: string) => {
    if (RANK[lineLevel] >= RANK[level]) write(lineLevel === 'info' ? line : `${lineLevel.toUpperCase()} ${line}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Discards everything: the default where no log is wired. */
export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };
