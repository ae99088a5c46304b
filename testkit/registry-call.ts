// A raw call to the registry's Confluent-compatible API, for tests that check what it stores and
// answers beneath the client library.
export interface RegistryAnswer {
  readonly status: number;
  readonly json: unknown;
}

export async function registryCall(url: string, method: string, path: string, body?: object): Promise<RegistryAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, json: await response.json() };
}
