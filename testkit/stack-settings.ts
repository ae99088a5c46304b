// Settings for the stack's unit tests: the real loader, pointed at throw-away folders.
import { loadConfig } from '../config/config.ts';
import type { StackSettings } from '../stack/server.ts';

export function testSettings(env: Record<string, string> = {}, cwd = '/tmp/spamstream-unit'): StackSettings {
  return loadConfig({ SPAMSTREAM_CACHE_DIR: `${cwd}/cache`, SPAMSTREAM_STACK_DIR: `${cwd}/stack`, ...env }, cwd);
}
