// The record-batch codecs Kafka has, for kafkajs. kafkajs ships gzip only and throws on a snappy,
// lz4 or zstd batch, which stops the consumer: one producer choosing the Java client's
// compression.type would stop the pipeline. Registered here, every kafkajs consumer of the process
// reads all four, and writers may compress with zstd (node:zlib) besides gzip.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { lz4Decompress, snappyDecompress } from '@platformatic/wasm-utils';
import kafkajs from 'kafkajs';
import { WRITE_CODECS, type WriteCodec } from '../../config/settings.ts';

const { CompressionTypes, CompressionCodecs } = kafkajs;

/** How a writer compresses a topic's records: kafkajs' compression type for each topic. */
export type CompressionOf = (topic: string) => kafkajs.CompressionTypes;

export const uncompressed: CompressionOf = () => CompressionTypes.None;

/** `codec` for the listed topics, none for the others. */
export function compressTopics(codec: WriteCodec, topics: readonly string[]): CompressionOf {
  const type =
    codec === 'gzip' ? CompressionTypes.GZIP : codec === 'zstd' ? CompressionTypes.ZSTD : CompressionTypes.None;
  const compressed = new Set(topics);
  return (topic) => (compressed.has(topic) ? type : CompressionTypes.None);
}

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const zstdCompress = promisify(zlib.zstdCompress);
const zstdDecompress = promisify(zlib.zstdDecompress);
// Level 1: higher levels gain little on batches this small and cost more CPU
// (docs/adr/0005-zstd-feature-history.md).
const ZSTD_LEVEL = { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } };

const zstd: Codec = {
  compress: (encoder) => zstdCompress(encoder.buffer, ZSTD_LEVEL),
  decompress: (buffer) => zstdDecompress(buffer),
};

// The Java client frames snappy the way snappy-java's stream does: an 8-byte magic, two 4-byte
// version fields, then blocks each preceded by its 4-byte big-endian length. librdkafka may send
// one raw block instead. Both are read.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;

export function snappyUnframe(buffer: Buffer): Buffer {
  if (buffer.length < XERIAL_HEADER_BYTES || !buffer.subarray(0, 8).equals(XERIAL_MAGIC))
    return snappyDecompress(buffer);
  const blocks: Buffer[] = [];
  let offset = XERIAL_HEADER_BYTES;
  while (offset < buffer.length) {
    if (offset + 4 > buffer.length) throw new Error('snappy: a block length is cut off');
    const length = buffer.readUInt32BE(offset);
    offset += 4;
    if (offset + length > buffer.length) throw new Error('snappy: a block is cut off');
    blocks.push(snappyDecompress(buffer.subarray(offset, offset + length)));
    offset += length;
  }
  return Buffer.concat(blocks);
}

// Writers compress with WRITE_CODECS only, so only those are checked against the Java client.
const notWritten = (codec: string) => async (): Promise<Buffer> => {
  throw new Error(
    `spamstream does not write ${codec}: SPAMSTREAM_TOPIC_COMPRESSION is one of ${WRITE_CODECS.join(', ')}`,
  );
};

const snappy: Codec = { compress: notWritten('snappy'), decompress: async (buffer) => snappyUnframe(buffer) };

// Kafka's lz4 is the LZ4 frame format (with the header checksum KIP-57 corrected).
const lz4: Codec = { compress: notWritten('lz4'), decompress: async (buffer) => lz4Decompress(buffer) };

let registered = false;

/** Teaches kafkajs every codec; idempotent. Clients and sources call it before their first fetch. */
export function registerCompressionCodecs(): void {
  if (registered) return;
  registered = true;
  const codecs = CompressionCodecs as Record<number, () => Codec>;
  codecs[CompressionTypes.Snappy] = () => snappy;
  codecs[CompressionTypes.LZ4] = () => lz4;
  codecs[CompressionTypes.ZSTD] = () => zstd;
}
