import { describe, expect, it } from 'vitest';
import { brokerIds, metadataRequest } from './kafka-metadata.ts';

/** A Metadata v6 response as a broker writes it (after its size): brokers, then what follows them. */
function response(correlationId: number, brokers: { id: number; host: string; rack: string | null }[]): Buffer {
  const parts: Buffer[] = [];
  const int32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    parts.push(b);
  };
  const string = (text: string | null) => {
    const b = Buffer.alloc(2);
    b.writeInt16BE(text === null ? -1 : Buffer.byteLength(text));
    parts.push(b, Buffer.from(text ?? ''));
  };
  int32(correlationId);
  int32(0); // throttle
  int32(brokers.length);
  for (const broker of brokers) {
    int32(broker.id);
    string(broker.host);
    int32(9092);
    string(broker.rack);
  }
  string('cluster-id');
  int32(1); // controller
  int32(0); // no topics
  return Buffer.concat(parts);
}

describe('the Metadata request of a node probe', () => {
  it('asks for version 6 of Metadata, no topic, no auto-creation, its size first', () => {
    const request = metadataRequest(7, 'probe');
    expect(request.readInt32BE(0)).toBe(request.length - 4);
    expect([request.readInt16BE(4), request.readInt16BE(6), request.readInt32BE(8)]).toEqual([3, 6, 7]);
    expect(request.subarray(12).toString('hex')).toBe(`0005${Buffer.from('probe').toString('hex')}0000000000`);
  });

  it('reads the registered node ids, whatever their hosts and racks', () => {
    const answer = response(9, [
      { id: 1, host: '127.0.2.1', rack: null },
      { id: 3, host: 'kafka-3.example', rack: 'r3' },
    ]);
    expect(brokerIds(answer, 9)).toEqual([1, 3]);
    expect(brokerIds(response(9, []), 9)).toEqual([]);
  });

  it('refuses an answer to another request, and one cut short', () => {
    expect(() => brokerIds(response(9, []), 10)).toThrow(/another request/);
    expect(() => brokerIds(response(9, [{ id: 1, host: 'h', rack: null }]).subarray(0, 15), 9)).toThrow(RangeError);
  });
});
