// The benchmarks' HTTP client: keep-alive HTTP/1.1 over plain sockets to one of our own servers on
// 127.0.0.1, one request at a time per connection, each response read by its Content-Length.
// Node's http client cost the load generator ~100 µs of CPU per request, as much as the edge it
// measured; with the load generator, the edge and Cassandra on the same two cores, that CPU came
// out of the edge's figure. This one does only what a load generator needs (~10–20 µs a request).
import { type Socket, connect } from 'node:net';

const HEADERS_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:[ \t]*(\d+)/i;

interface Waiter {
  resolve(status: number): void;
  reject(error: Error): void;
}

/** One keep-alive connection: at most one request in flight. */
class Connection {
  readonly #socket: Socket;
  #received: Buffer = Buffer.alloc(0);
  #waiter: Waiter | undefined;
  closed = false;

  constructor(port: number) {
    this.#socket = connect({ host: '127.0.0.1', port, noDelay: true });
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('close', () => this.#fail(new Error('the server closed the connection')));
  }

  send(head: string, body: string | undefined): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#socket.write(body === undefined ? head : head + body);
    });
  }

  destroy(): void {
    this.closed = true;
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#received = this.#received.length === 0 ? chunk : Buffer.concat([this.#received, chunk]);
    const headEnd = this.#received.indexOf(HEADERS_END);
    if (headEnd < 0) return;
    const head = this.#received.toString('latin1', 0, headEnd);
    const length = CONTENT_LENGTH.exec(head);
    // Our servers always send Content-Length; without it the response's end cannot be found.
    if (!length) {
      this.#fail(new Error(`a response without content-length: ${head.split('\r\n')[0]}`));
      return;
    }
    const end = headEnd + HEADERS_END.length + Number(length[1]);
    if (this.#received.length < end) return;
    if (this.#received.length > end) {
      this.#fail(new Error('bytes after the response (none was asked)'));
      return;
    }
    this.#received = Buffer.alloc(0);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(Number(head.slice(9, 12)));
  }

  #fail(error: Error): void {
    if (!this.closed) this.destroy();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }
}

/**
 * Up to `sockets` keep-alive connections to 127.0.0.1:`port`; a request waits for a free one when
 * all are busy. Resolves with the status once the whole body has arrived.
 */
export function httpClient(port: number, sockets: number) {
  const idle: Connection[] = [];
  const queued: (() => void)[] = [];
  let open = 0;
  const acquire = (): Promise<Connection> => {
    let ready = idle.pop();
    // A server closes connections idle past its keep-alive timeout: those are dropped here.
    while (ready?.closed) {
      open -= 1;
      ready = idle.pop();
    }
    if (ready) return Promise.resolve(ready);
    if (open < sockets) {
      open += 1;
      return Promise.resolve(new Connection(port));
    }
    return new Promise((resolve) => queued.push(() => resolve(acquire())));
  };
  const release = (connection: Connection) => {
    if (connection.closed) open -= 1;
    else idle.push(connection);
    queued.shift()?.();
  };
  const send = async (method: string, path: string, body?: string): Promise<number> => {
    const length =
      body === undefined ? '' : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
    const head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${length}\r\n`;
    const connection = await acquire();
    try {
      return await connection.send(head, body);
    } finally {
      release(connection);
    }
  };
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown) => send('POST', path, JSON.stringify(body)),
    close: () => {
      for (const connection of idle.splice(0)) connection.destroy();
    },
  };
}
