// Feature values the features processor stored in the online store: one message, or many ids ×
// views at once (like Feast's get-online-features). Read only; nothing is recomputed here.
import type { FastifyPluginAsync } from 'fastify';
import type { StoredFeatures } from '../../connectors/online-store.ts';
import { SpamstreamError } from '../../core/errors.ts';
import { mapBounded } from '../bounded.ts';
import type { EdgeDeps } from '../deps.ts';
import {
  errorResponses,
  featureVectorSchema,
  smsIdParams,
  smsIdSchema,
  viewIdSchema,
  viewIds,
  viewListPattern,
} from '../schemas.ts';

interface FeatureVectorJson {
  view: string;
  version: number;
  values: readonly number[];
  eventTime: number;
  computedAt: number;
}

const toJson = (row: StoredFeatures): FeatureVectorJson => ({
  view: row.view,
  version: row.viewVersion,
  values: row.values,
  eventTime: row.eventTime,
  computedAt: row.computedAt,
});

const byView = (a: StoredFeatures, b: StoredFeatures) => a.view.localeCompare(b.view);

/**
 * Responses written by JSON.stringify, not by the serializer Fastify compiles from the response
 * schemas. Every object in them is built field by field as the schemas declare (toJson, the
 * handlers, http-errors.ts), so the bytes are the same; but the compiled serializer adds one piece
 * per number (133 per message) to a string that then has to be flattened to be measured and
 * written, which cost the edge more than the serializing itself. The schemas still document the
 * responses; the route tests compare whole bodies, so an undeclared field would show.
 */
const flatJson = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };

export const featureRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const { config } = deps;
  const known = viewIds(deps.views);

  /** The requested views, all when none are named; a 400 for names the registry does not know. */
  const chooseViews = (requested: readonly string[] | undefined): readonly string[] => {
    if (requested === undefined || requested.length === 0) return known;
    const unknown = requested.filter((id) => !known.includes(id));
    if (unknown.length > 0) {
      throw new SpamstreamError(
        'INVALID_REQUEST',
        `unknown feature view ${unknown.join(', ')} (known: ${known.join(', ')})`,
      );
    }
    return [...new Set(requested)];
  };

  const read = async (smsId: string, views: readonly string[]) => {
    const rows = await deps.features.getFeatures(smsId, views);
    const found = new Set(rows.map((row) => row.view));
    return { rows: [...rows].sort(byView).map(toJson), missing: views.filter((view) => !found.has(view)) };
  };

  app.get<{ Params: { smsId: string }; Querystring: { views?: string } }>(
    '/features/:smsId',
    {
      ...flatJson,
      schema: {
        tags: ['features'],
        summary: 'The feature views of one message, with their values and event time',
        params: smsIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            views: {
              type: 'string',
              pattern: viewListPattern(known),
              description: `comma-separated view ids of ${known.join(', ')} (default: all)`,
            },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['smsId', 'views', 'missing'],
            properties: {
              smsId: { type: 'string' },
              views: { type: 'array', items: featureVectorSchema },
              missing: {
                type: 'array',
                items: { type: 'string' },
                description: 'requested views not stored for this message',
              },
            },
          },
          ...errorResponses(400, 404, 429, 503),
        },
      },
    },
    async (request) => {
      const { smsId } = request.params;
      const views = chooseViews(request.query.views?.split(','));
      const { rows, missing } = await read(smsId, views);
      if (rows.length === 0)
        throw new SpamstreamError('NOT_FOUND', `no features stored for ${smsId} (views ${views.join(', ')})`);
      return { smsId, views: rows, missing };
    },
  );

  app.post<{ Body: { smsIds: string[]; views?: string[] } }>(
    '/features/query',
    {
      ...flatJson,
      schema: {
        tags: ['features'],
        summary: 'Feature views of many messages at once; unknown ids come back with found: false',
        body: {
          type: 'object',
          required: ['smsIds'],
          additionalProperties: false,
          properties: {
            smsIds: { type: 'array', minItems: 1, maxItems: config.maxQueryIds, items: smsIdSchema },
            views: { type: 'array', maxItems: 16, items: viewIdSchema(known), description: 'view ids (default: all)' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['results'],
            properties: {
              results: {
                type: 'array',
                description: 'one entry per requested id, in request order',
                items: {
                  type: 'object',
                  required: ['smsId', 'found', 'views', 'missing'],
                  properties: {
                    smsId: { type: 'string' },
                    found: { type: 'boolean' },
                    views: { type: 'array', items: featureVectorSchema },
                    missing: { type: 'array', items: { type: 'string' } },
                  },
                },
              },
            },
          },
          ...errorResponses(400, 413, 415, 429, 503),
        },
      },
    },
    async (request) => {
      const views = chooseViews(request.body.views);
      const ids = [...new Set(request.body.smsIds)];
      // One round: every id's read starts at once (up to readConcurrency, by default the whole
      // request), and the store sends reads started together in one socket write.
      const reads = await mapBounded(ids, config.readConcurrency, (smsId) => read(smsId, views));
      const byId = new Map(ids.map((id, i) => [id, reads[i]!]));
      return {
        results: request.body.smsIds.map((smsId) => {
          const { rows, missing } = byId.get(smsId)!;
          return { smsId, found: rows.length > 0, views: rows, missing };
        }),
      };
    },
  );
};
