// The loaded models: their cards, and a synchronous text → features → prediction path for one
// text. Nothing here is the edge's own logic: features come from the processors' computeFeatures
// over the registry's views, the prediction from models/scoring.ts (selectModels, scoreRows,
// toPrediction), which the scoring processor uses too, around the same model object. Nothing is written anywhere.
import type { FastifyPluginAsync } from 'fastify';
import { SpamstreamError } from '../../core/errors.ts';
import type { FeatureView } from '../../features/index.ts';
import { computeFeatures } from '../../processors/features.ts';
import {
  type ScoringModel,
  scoreRows,
  scoringModelOf,
  selectModels,
  toPrediction,
  toStoredPrediction,
} from '../../models/scoring.ts';
import type { SmsFeatures } from '../../schemas/index.ts';
import type { EdgeDeps, SpamModel } from '../deps.ts';
import { errorResponses, predictionSchema, textBodySchema } from '../schemas.ts';
import { checkText } from '../text.ts';

interface Loaded {
  readonly model: SpamModel;
  readonly scoring: ScoringModel;
}

/** A request's text as the message the processors would see (the id is never stored). */
const REQUEST_ID = 'http-request';

export const versionParams = {
  type: 'object',
  required: ['version'],
  properties: {
    version: {
      type: 'string',
      pattern: '^[A-Za-z0-9._-]{1,64}$',
      description: 'a model version (1 to 64 letters, digits or . _ -), e.g. v2',
    },
  },
} as const;

const cardSchema = {
  type: 'object',
  description: 'The model card as written at training time (models/<version>/card.json).',
  required: ['name', 'version', 'views', 'labels', 'threshold'],
  additionalProperties: true,
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    views: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, version: { type: 'integer' } } },
    },
    labels: { type: 'array', items: { type: 'string' } },
    threshold: { type: 'number' },
  },
} as const;

const computedViewSchema = {
  type: 'object',
  required: ['view', 'version', 'values'],
  properties: {
    view: { type: 'string' },
    version: { type: 'integer' },
    values: { type: 'array', items: { type: 'number' } },
    fields: {
      type: 'array',
      items: { type: 'string' },
      description: 'the name of each value, for views of named statistics',
    },
  },
} as const;

export const modelRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const { config } = deps;
  const loaded = new Map<string, Loaded>(
    deps.models.map((model) => [model.card.version, { model, scoring: scoringModelOf(model) }]),
  );
  const versions = [...loaded.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

  const find = (version: string): Loaded => {
    const found = loaded.get(version);
    if (!found)
      throw new SpamstreamError(
        'UNKNOWN_MODEL',
        `no model ${version} is loaded (loaded: ${versions.join(', ') || 'none'})`,
      );
    return found;
  };

  /** The views the model was trained on, from the registry, at the versions its card names. */
  const viewsOf = (scoring: ScoringModel): FeatureView[] =>
    scoring.views.map(({ id, version }) => {
      const view = deps.views.find((candidate) => candidate.id === id && candidate.version === version);
      // The loader and the processors refuse such a model too; reaching this is a deployment error.
      if (!view)
        throw new SpamstreamError(
          'VIEW_MISSING',
          `model ${scoring.version} needs view ${id} version ${version}, which is not in the registry`,
        );
      return view;
    });

  const featuresOf = (scoring: ScoringModel, text: string): SmsFeatures => {
    checkText(text, config.maxTextBytes);
    const now = Date.now();
    return computeFeatures(
      { sms_id: REQUEST_ID, sender: '', recipient: '', text, received_at: now, source: 'api' },
      viewsOf(scoring),
      now,
    );
  };

  const fieldsOf = (id: string): string[] | undefined => {
    const layout = deps.views.find((view) => view.id === id)?.layout;
    return layout?.kind === 'fields' ? layout.fields.map((field) => field.name) : undefined;
  };

  app.get(
    '/models',
    {
      schema: {
        tags: ['models'],
        summary: 'The cards of the loaded models, by version, and the champion',
        response: {
          200: {
            type: 'object',
            required: ['models'],
            properties: {
              models: { type: 'array', items: cardSchema },
              champion: {
                type: 'string',
                description:
                  'the version whose verdict is the answer (SPAMSTREAM_CHAMPION, by default the best card F1)',
              },
            },
          },
        },
      },
    },
    async () => ({
      models: versions.map((version) => loaded.get(version)!.model.card),
      ...(deps.champion === undefined ? {} : { champion: deps.champion }),
    }),
  );

  app.post<{ Params: { version: string }; Body: { text: string } }>(
    '/models/:version/features',
    {
      schema: {
        tags: ['models'],
        summary: 'The feature views this model consumes, computed from a text as the features processor computes them',
        params: versionParams,
        body: textBodySchema(config),
        response: {
          200: {
            type: 'object',
            required: ['modelVersion', 'views'],
            properties: { modelVersion: { type: 'string' }, views: { type: 'array', items: computedViewSchema } },
          },
          ...errorResponses(400, 404, 413, 415, 429),
        },
      },
    },
    async (request) => {
      const { scoring } = find(request.params.version);
      const features = featuresOf(scoring, request.body.text);
      return {
        modelVersion: scoring.version,
        views: features.views.map((vector) => ({ ...vector, fields: fieldsOf(vector.view) })),
      };
    },
  );

  app.post<{ Params: { version: string }; Body: { text: string } }>(
    '/models/:version/predict',
    {
      schema: {
        tags: ['models'],
        summary:
          'Scores a text with this model: features, then inference, as the processors run them; nothing is stored',
        params: versionParams,
        body: textBodySchema(config),
        response: { 200: predictionSchema, ...errorResponses(400, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const { scoring } = find(request.params.version);
      const features = featuresOf(scoring, request.body.text);
      const selected = selectModels(features, [scoring], deps.views);
      if (!selected.ok) throw new SpamstreamError(selected.code, selected.reason);
      const [probability] = await scoreRows(scoring, [selected.value.set]);
      if (typeof probability !== 'number') throw new SpamstreamError(probability!.code, probability!.reason);
      const prediction = toPrediction(features, scoring, probability, Date.now());
      // Nothing is stored: the id and times of a stored prediction do not apply.
      const { smsId: _id, eventTime: _event, scoredAt: _scored, ...answer } = toStoredPrediction(prediction);
      return answer;
    },
  );
};
