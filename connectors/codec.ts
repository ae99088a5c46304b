// Avro records in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body), with
// schemas in a Confluent-compatible registry. connectors/registry/ implements it.

/**
 * Contract:
 * - `encode(subject, value)` writes with the latest schema registered under the subject
 *   (TopicNameStrategy: `<topic>-value`), as seen at most a minute ago — a schema registered
 *   while the program runs is used within that minute, and encoding makes no request per record; it rejects with INVALID_FIELD when the value does not
 *   match the schema, REGISTRY_UNAVAILABLE (retriable) when the registry does not answer.
 * - `decode(bytes)` reads any record whose writer schema the registry knows, resolved into the
 *   given reader schema when one is passed. It rejects with DECODE_FAILED (not the wire format,
 *   or a truncated body), UNKNOWN_SCHEMA (the id is not registered), INVALID_UTF8 (a string field
 *   is not valid UTF-8: strings are checked byte-exactly, never silently replaced), or
 *   REGISTRY_UNAVAILABLE. Schemas are cached by id, so steady-state decoding makes no request.
 */
export interface RecordCodec {
  encode(subject: string, value: unknown): Promise<Buffer>;
  decode<T>(bytes: Buffer, readerSchema?: object): Promise<T>;
}
