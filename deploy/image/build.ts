// `npm run image:build [-- --base <image>] [--tag <image>]`: builds the Dockerfile with podman.
// Without --base it uses SPAMSTREAM_IMAGE_BASE, or else the base `npm run image:base` made here
// when it exists, or else the Dockerfile's own (the official Node image).
import { parseArgs } from 'node:util';
import { IMAGE, LOCAL_BASE, imageExists, podmanOk } from './engine.ts';

export function buildImage(options: { base?: string; tag?: string } = {}): string {
  const tag = options.tag ?? IMAGE;
  const base = options.base ?? process.env.SPAMSTREAM_IMAGE_BASE ?? (imageExists(LOCAL_BASE) ? LOCAL_BASE : undefined);
  // The build's own network is the host's: `npm ci` reaches the registry the host reaches.
  podmanOk(['build', '--network', 'host', ...(base ? ['--build-arg', `BASE_IMAGE=${base}`] : []), '-t', tag, '.'], {
    inherit: true,
  });
  return tag;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { base: { type: 'string' }, tag: { type: 'string' } } });
  console.log(`built ${buildImage(values)}`);
}
