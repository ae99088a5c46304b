// TLS options for the clients of secured servers (Kafka, the registry, Cassandra), from PEM files
// named in the settings. A file that cannot be read is an error naming its setting, at start.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

export interface PemFiles {
  /** CA bundle; empty: Node's own CAs. */
  readonly ca?: string;
  /** Client certificate and key, for servers that require mutual TLS. */
  readonly cert?: string;
  readonly key?: string;
}

function readPem(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`${setting}=${JSON.stringify(path)}: cannot read it (${reason})`);
  }
}

/**
 * The files as tls.connect options; `prefix` names the settings (SPAMSTREAM_KAFKA_SSL → …_CA_FILE).
 * Certificates are always verified: a server whose certificate does not check out is refused.
 */
export function tlsOptions(files: PemFiles, prefix: string): ConnectionOptions {
  if (Boolean(files.cert) !== Boolean(files.key)) {
    throw new Error(`${prefix}_CERT_FILE and ${prefix}_KEY_FILE go together: set both or neither`);
  }
  return {
    rejectUnauthorized: true,
    ...(files.ca ? { ca: [readPem(files.ca, `${prefix}_CA_FILE`)] } : {}),
    ...(files.cert ? { cert: readPem(files.cert, `${prefix}_CERT_FILE`) } : {}),
    ...(files.key ? { key: readPem(files.key, `${prefix}_KEY_FILE`) } : {}),
  };
}
