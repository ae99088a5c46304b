import zlib from 'node:zlib';
import { lz4Compress, snappyCompress } from '@platformatic/wasm-utils';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { compressTopics, registerCompressionCodecs, snappyUnframe } from './compression.ts';
import { produceBatches } from './produce.ts';

const { CompressionTypes, CompressionCodecs } = kafkajs;
const codec = (type: kafkajs.CompressionTypes) =>
  (
    CompressionCodecs as Record<
      number,
      () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }
    >
  )[type]!();
const data = Buffer.from('a batch of records, a batch of records, a batch of records '.repeat(40));

/** snappy-java's stream framing: magic, version, compatible version, then length-prefixed blocks. */
function xerial(...blocks: Buffer[]): Buffer {
  const header = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const framed = blocks.flatMap((block) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(block.length);
    return [length, block];
  });
  return Buffer.concat([header, ...framed]);
}

describe('Kafka record-batch codecs for kafkajs', () => {
  registerCompressionCodecs();

  it('reads zstd, and writes what it reads', async () => {
    expect(await codec(CompressionTypes.ZSTD).decompress(zlib.zstdCompressSync(data))).toEqual(data);
    const written = await codec(CompressionTypes.ZSTD).compress({ buffer: data });
    expect(written.length).toBeLessThan(data.length / 10);
    expect(zlib.zstdDecompressSync(written)).toEqual(data);
  });

  it('reads lz4 frames', async () => {
    expect(await codec(CompressionTypes.LZ4).decompress(lz4Compress(data))).toEqual(data);
  });

  it('reads snappy framed as the Java client does, in several blocks, and as one raw block', async () => {
    const [first, second] = [data.subarray(0, 1000), data.subarray(1000)];
    const framed = xerial(snappyCompress(first), snappyCompress(second));
    expect(await codec(CompressionTypes.Snappy).decompress(framed)).toEqual(data);
    expect(await codec(CompressionTypes.Snappy).decompress(snappyCompress(data))).toEqual(data);
  });

  it('refuses a snappy frame that is cut off, naming what is missing', () => {
    const framed = xerial(snappyCompress(data));
    expect(() => snappyUnframe(framed.subarray(0, framed.length - 3))).toThrow(/block is cut off/);
    expect(() => snappyUnframe(framed.subarray(0, 18))).toThrow(/block length is cut off/);
  });

  it('does not write snappy or lz4, and says which codecs it writes', async () => {
    await expect(codec(CompressionTypes.LZ4).compress({ buffer: data })).rejects.toThrow(/none, gzip, zstd/);
    await expect(codec(CompressionTypes.Snappy).compress({ buffer: data })).rejects.toThrow(/none, gzip, zstd/);
  });
});

describe('what a writer compresses', () => {
  const record = (topic: string, n: number) => ({ topic, key: `k${n}`, value: Buffer.from(`v${n}`) });

  it('compresses the listed topics with the codec, and nothing else', () => {
    const of = compressTopics('zstd', ['history']);
    expect([of('history'), of('other')]).toEqual([CompressionTypes.ZSTD, CompressionTypes.None]);
    expect(compressTopics('gzip', ['history'])('history')).toBe(CompressionTypes.GZIP);
    expect(compressTopics('none', ['history'])('history')).toBe(CompressionTypes.None);
  });

  it('sends a batch per compression, each topic once, its records in order', () => {
    const records = [record('history', 1), record('dlq', 2), record('history', 3), record('dlq', 4)];
    const batches = produceBatches(records, compressTopics('zstd', ['history']));
    expect(
      batches.map((b) => [b.compression, b.topicMessages.map((t) => [t.topic, t.messages.map((m) => m.key)])]),
    ).toEqual([
      [CompressionTypes.ZSTD, [['history', ['k1', 'k3']]]],
      [CompressionTypes.None, [['dlq', ['k2', 'k4']]]],
    ]);
    expect(produceBatches(records, () => CompressionTypes.None)).toHaveLength(1);
  });
});
