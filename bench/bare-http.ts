// `GET /features/:id` with nothing of the edge: node:http, the same store read, JSON.stringify of
// the same body. No router, validation, hooks, logging or metrics. What any Node HTTP server pays
// on this machine for the same answer; bench/edge-compare.ts --bare runs it beside the edges.
// Reads the port from SPAMSTREAM_EDGE_PORT; prints "bare listening" once it accepts requests.
import { createServer } from 'node:http';
import { loadConfig } from '../config/config.ts';
import { createCassandraStores } from '../connectors/cassandra/store.ts';

const config = loadConfig(process.env);
const stores = await createCassandraStores(config.cassandra);
const PREFIX = '/features/';

const server = createServer((req, res) => {
  const smsId = (req.url ?? '').slice(PREFIX.length);
  stores.features.getFeatures(smsId).then(
    (rows) => {
      const views = rows.map((row) => ({
        view: row.view,
        version: row.viewVersion,
        values: row.values,
        eventTime: row.eventTime,
        computedAt: row.computedAt,
      }));
      const body = JSON.stringify({ smsId, views, missing: [] });
      res.writeHead(rows.length > 0 ? 200 : 404, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    },
    () => {
      res.writeHead(503, { 'content-length': 0 });
      res.end();
    },
  );
});
server.listen(config.edge.port, '127.0.0.1', () => console.log('bare listening'));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void stores.close();
});
