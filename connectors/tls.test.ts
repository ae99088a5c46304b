// The security options each client gets from the settings (no server: what is passed to the driver).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { cassandraSecurity } from './cassandra/store.ts';
import { kafkaSecurity } from './kafka/client.ts';
import { tlsOptions } from './tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'spamstream-tls-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

describe('kafkaSecurity', () => {
  it('is nothing for a plain cluster', () => {
    expect(kafkaSecurity(loadConfig({}).kafka)).toEqual({});
  });

  it('gives SCRAM with the user and password, and TLS with the CA', () => {
    const config = loadConfig({
      SPAMSTREAM_KAFKA_SASL_MECHANISM: 'scram-sha-512',
      SPAMSTREAM_KAFKA_SASL_USERNAME: 'svc',
      SPAMSTREAM_KAFKA_SASL_PASSWORD: 'pw',
      SPAMSTREAM_KAFKA_SSL: 'true',
      SPAMSTREAM_KAFKA_SSL_CA_FILE: ca,
    });
    const security = kafkaSecurity(config.kafka);
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'svc', password: 'pw' });
    expect(security.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(String((security.ssl as { ca: Buffer[] }).ca[0])).toContain('BEGIN CERTIFICATE');
  });

  it('refuses a mechanism without its password, naming the settings and not guessing', () => {
    const config = loadConfig({ SPAMSTREAM_KAFKA_SASL_MECHANISM: 'plain', SPAMSTREAM_KAFKA_SASL_USERNAME: 'svc' });
    expect(() => kafkaSecurity(config.kafka)).toThrow(
      /SPAMSTREAM_KAFKA_SASL_MECHANISM=plain needs .*SPAMSTREAM_KAFKA_SASL_PASSWORD/,
    );
  });
});

describe('tlsOptions and cassandraSecurity', () => {
  it('names the setting of a PEM file it cannot read, and wants a certificate with its key', () => {
    expect(() => tlsOptions({ ca: join(dir, 'nope.pem') }, 'SPAMSTREAM_KAFKA_SSL')).toThrow(
      /SPAMSTREAM_KAFKA_SSL_CA_FILE=".*nope.pem": cannot read it \(ENOENT\)/,
    );
    expect(() => tlsOptions({ cert: ca }, 'SPAMSTREAM_KAFKA_SSL')).toThrow(
      /_CERT_FILE and SPAMSTREAM_KAFKA_SSL_KEY_FILE go together/,
    );
  });

  it('gives the Cassandra driver credentials and TLS only when asked', () => {
    expect(cassandraSecurity(loadConfig({}).cassandra)).toEqual({});
    const config = loadConfig({
      SPAMSTREAM_CASSANDRA_USERNAME: 'app',
      SPAMSTREAM_CASSANDRA_PASSWORD: 'pw',
      SPAMSTREAM_CASSANDRA_SSL: 'on',
    });
    expect(cassandraSecurity(config.cassandra)).toEqual({
      credentials: { username: 'app', password: 'pw' },
      sslOptions: { rejectUnauthorized: true },
    });
  });
});
