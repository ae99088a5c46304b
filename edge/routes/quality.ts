// Live quality per model version, as the quality processor counts it against users' labels and the
// edge adds it up from sms.quality (edge/quality-board.ts): `GET /models/:version/quality` for one
// version, `GET /quality` for all of them (the live page's quality panel).
import type { FastifyPluginAsync } from 'fastify';
import { SpamstreamError } from '../../core/errors.ts';
import type { EdgeDeps } from '../deps.ts';
import { NO_QUALITY, type VersionQuality } from '../quality-board.ts';
import { errorResponses } from '../schemas.ts';
import { versionParams } from './models.ts';

const ratio = (description: string) => ({ type: ['number', 'null'], description }) as const;

const qualitySchema = {
  type: 'object',
  required: ['tp', 'fp', 'tn', 'fn', 'labelled', 'precision', 'recall', 'f1', 'accuracy'],
  properties: {
    tp: { type: 'integer', description: 'labelled spam, predicted spam' },
    fp: { type: 'integer', description: 'labelled ham, predicted spam' },
    tn: { type: 'integer', description: 'labelled ham, predicted ham' },
    fn: { type: 'integer', description: 'labelled spam, predicted ham' },
    labelled: { type: 'integer', description: 'labelled messages the version predicted: tp + fp + tn + fn' },
    precision: ratio('tp / (tp + fp); null while the version called no labelled message spam'),
    recall: ratio('tp / (tp + fn); null while no message it predicted is labelled spam'),
    f1: ratio('2 tp / (2 tp + fp + fn); null while both are undefined'),
    accuracy: ratio('(tp + tn) / labelled; null while nothing is counted'),
  },
} as const;

const versionQualitySchema = {
  type: 'object',
  required: ['modelVersion', 'all', 'recent', 'series'],
  properties: {
    modelVersion: { type: 'string' },
    all: { ...qualitySchema, description: 'over every labelled message, by its latest label and latest prediction' },
    recent: { ...qualitySchema, description: 'over the messages labelled in the recent window (windowMs)' },
    series: {
      type: 'array',
      description:
        'the recent window bucket by bucket (bucketMs), by the time the labels were given; empty buckets are left out',
      items: {
        type: 'object',
        required: ['start', ...qualitySchema.required],
        properties: { start: { type: 'integer', description: 'epoch ms' }, ...qualitySchema.properties },
      },
    },
  },
} as const;

const common = {
  labelled: { type: 'integer', description: 'messages with a label, predicted or not' },
  windowMs: { type: 'integer', description: 'the recent window, ms (SPAMSTREAM_QUALITY_WINDOW_MS)' },
  bucketMs: { type: 'integer', description: 'one bucket of the series, ms' },
  updatedAt: { type: ['integer', 'null'], description: 'when the newest counts were taken, epoch ms; null before any' },
  asOf: {
    type: 'integer',
    description: "the edge's time when it added them up, epoch ms: the end of the recent window",
  },
} as const;

export const qualityRoutes: FastifyPluginAsync<{ deps: EdgeDeps }> = async (app, { deps }) => {
  const loaded = new Set(deps.models.map((model) => model.card.version));

  app.get<{ Params: { version: string } }>(
    '/models/:version/quality',
    {
      schema: {
        tags: ['models'],
        summary: "A model version's live quality against users' labels: confusion counts, precision, recall, F1",
        description:
          'Counted in the stream by the quality processor: each labelled message once, by its latest label and ' +
          "the version's latest prediction; over all labelled messages and over the recent window. Label with " +
          '`POST /sms/{smsId}/label`, `spamstream label` or the inbox table.',
        params: versionParams,
        response: {
          200: {
            type: 'object',
            required: ['modelVersion', ...Object.keys(common), 'all', 'recent', 'series'],
            properties: { ...common, ...versionQualitySchema.properties },
          },
          ...errorResponses(400, 404, 429),
        },
      },
    },
    async (request) => {
      const { version } = request.params;
      const { versions, ...rest } = deps.quality.snapshot();
      const found: VersionQuality | undefined = versions.find((v) => v.modelVersion === version);
      if (!found && !loaded.has(version))
        throw new SpamstreamError(
          'UNKNOWN_MODEL',
          `no model ${version} is loaded or counted (loaded: ${[...loaded].join(', ') || 'none'}; counted: ${versions.map((v) => v.modelVersion).join(', ') || 'none'})`,
        );
      return { ...rest, ...(found ?? NO_QUALITY(version)) };
    },
  );

  app.get(
    '/quality',
    {
      schema: {
        tags: ['models'],
        summary: "Every model version's live quality against users' labels, side by side (the live page's panel)",
        response: {
          200: {
            type: 'object',
            required: [...Object.keys(common), 'versions'],
            properties: { ...common, versions: { type: 'array', items: versionQualitySchema } },
          },
          ...errorResponses(429),
        },
      },
    },
    async () => {
      const snapshot = deps.quality.snapshot();
      // A loaded version nothing was counted for yet is shown with zeros, so the panel lists it.
      const counted = new Set(snapshot.versions.map((v) => v.modelVersion));
      const versions = [...snapshot.versions, ...[...loaded].filter((v) => !counted.has(v)).map(NO_QUALITY)].sort(
        (a, b) => a.modelVersion.localeCompare(b.modelVersion, 'en', { numeric: true }),
      );
      return { ...snapshot, versions };
    },
  );
};
