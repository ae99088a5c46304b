// Asks one Kafka broker, and that broker alone, which brokers its cluster has registered: a Metadata
// request (v6, no topics) on a plain socket. The probe of a cluster's node cannot go through kafkajs,
// whose describeCluster also calls the broker the answer names as controller: right after a node
// died, that may be the dead one, and the live node asked would be reported down.
import { Socket } from 'node:net';

const METADATA = 3;
const VERSION = 6;

/** The request: size, header v1 (api key, version, correlation id, client id), no topics, no auto-creation. */
export function metadataRequest(correlationId: number, clientId = 'spamstream-stack-probe'): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length + 4 + 1);
  let at = body.writeInt16BE(METADATA, 0);
  at = body.writeInt16BE(VERSION, at);
  at = body.writeInt32BE(correlationId, at);
  at = body.writeInt16BE(client.length, at);
  at += client.copy(body, at);
  at = body.writeInt32BE(0, at); // topics: an empty array, none
  body.writeInt8(0, at); // allow_auto_topic_creation: false
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** The node ids in a Metadata v6 response (after its size): correlation id, throttle time, brokers. */
export function brokerIds(response: Buffer, correlationId: number): number[] {
  let at = 0;
  const int32 = () => {
    const value = response.readInt32BE(at);
    at += 4;
    return value;
  };
  const string = () => {
    const length = response.readInt16BE(at);
    at += 2 + Math.max(0, length);
  };
  if (int32() !== correlationId) throw new Error('kafka: an answer to another request');
  int32(); // throttle_time_ms
  const ids: number[] = [];
  for (let count = int32(), i = 0; i < count; i += 1) {
    ids.push(int32()); // node_id
    string(); // host
    int32(); // port
    string(); // rack (nullable)
  }
  return ids;
}

/** The brokers registered, as `broker` (host:port) answers; rejects when it does not within `timeoutMs`. */
export function registeredBrokers(broker: string, timeoutMs = 4000): Promise<number[]> {
  const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
  const correlationId = 1 + Math.floor(Math.random() * 1_000_000);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`kafka: ${broker}: ${reason}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`));
    socket.once('error', (error) => fail(error.message));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      try {
        resolve(brokerIds(received.subarray(4), correlationId));
      } catch (error) {
        reject(error instanceof RangeError ? new Error(`kafka: ${broker}: a Metadata answer cut short`) : error);
      }
    });
    socket.connect(port, host, () => socket.write(metadataRequest(correlationId)));
  });
}
