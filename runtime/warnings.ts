// Node warnings the CLI does not print. kafkajs 2.2.4 arms its request queue's throttle timer with
// `throttledUntil - Date.now()` while throttledUntil is still -1 (never throttled), a negative delay
// that Node >= 24 reports as TimeoutNegativeWarning and runs as 1 ms: harmless, and in a dependency.
// Only that warning, recognised by where it was raised, is dropped; every other warning (a negative
// timeout of our own included) is printed as before.

/** Whether `warning` is kafkajs's negative throttle timer (see above). */
export function isKafkajsNegativeTimeout(warning: Error): boolean {
  return (
    warning.name === 'TimeoutNegativeWarning' &&
    /[\\/]kafkajs[\\/]src[\\/]network[\\/]requestQueue[\\/]/.test(warning.stack ?? '')
  );
}

/** Routes process warnings through the existing printers, except the kafkajs timer warning. */
export function dropKafkajsTimerWarnings(): void {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (isKafkajsNegativeTimeout(warning)) return;
    for (const print of printers) print(warning);
  });
}
