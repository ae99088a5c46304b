// A request whose method its path does not have gets 405 with an `Allow` header (RFC 9110
// §15.5.6), not a 404 claiming the resource does not exist. Paths are matched as OpenAPI matches
// them: a concrete path before a templated one, so `GET /features/query` is a 405 (the document
// has only `POST /features/query`) although the router would hand it to `/features/:smsId`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SpamstreamError } from '../core/errors.ts';
import { escapeRegExp } from './schemas.ts';

interface RoutePattern {
  readonly url: string;
  readonly matches: RegExp;
  /** Per segment: 2 static, 1 parameter, 0 wildcard; the larger list is the more specific path. */
  readonly rank: readonly number[];
  readonly methods: Set<string>;
}

/** A find-my-way path (`/features/:smsId`, `/docs/*`) as an anchored regular expression and its rank. */
export function pathPattern(url: string): { matches: RegExp; rank: number[] } {
  const segments = url.split('/');
  const parts = segments.map((segment) => {
    if (segment === '*') return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    return escapeRegExp(segment);
  });
  const rank = segments.map((segment) => (segment === '*' ? 0 : segment.startsWith(':') ? 1 : 2));
  return { matches: new RegExp(`^${parts.join('/')}$`), rank };
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? -1) - (b[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Records every route registered from now on and refuses, before the body is read, a request whose
 * method the most specific path matching it lacks. Call it before the route plugins are registered.
 */
export function refuseUnroutedMethods(app: FastifyInstance): void {
  const routes = new Map<string, RoutePattern>();
  const add = (url: string, methods: string | string[]) => {
    const known = routes.get(url) ?? { url, ...pathPattern(url), methods: new Set<string>() };
    for (const method of [methods].flat()) known.methods.add(method.toUpperCase());
    routes.set(url, known);
  };
  app.addHook('onRoute', (route) => {
    add(route.url, route.method);
    // A plugin's root route (`/docs`) is routed with and without its slash, but reported once.
    if (route.prefix && route.url === route.prefix) add(`${route.url}/`, route.method);
  });

  const mostSpecific = (path: string, among: Iterable<RoutePattern>): RoutePattern | undefined => {
    let best: RoutePattern | undefined;
    for (const route of among) {
      if (route.matches.test(path) && (!best || compareRanks(route.rank, best.rank) > 0)) best = route;
    }
    return best;
  };

  // A routed request matched its route's path, so only a more specific path that can match the
  // same URLs (as many segments, or a wildcard in either) can own its URL. Per route, those are
  // listed once (routes are all known by the first request) and most requests test none or one,
  // instead of every path's pattern (a share of the edge's CPU under load).
  const moreSpecific = new Map<string, RoutePattern[]>();
  const moreSpecificThan = (url: string): RoutePattern[] => {
    let found = moreSpecific.get(url);
    if (!found) {
      const routed = routes.get(url);
      const mayOwn = (route: RoutePattern) =>
        !routed ||
        (compareRanks(route.rank, routed.rank) > 0 &&
          (route.rank.length === routed.rank.length || route.rank.includes(0) || routed.rank.includes(0)));
      found = [...routes.values()].filter(mayOwn);
      moreSpecific.set(url, found);
    }
    return found;
  };

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
    const candidates = request.is404 ? routes.values() : moreSpecificThan(request.routeOptions.url ?? '');
    const path = request.url.split('?')[0] ?? '';
    const owner = mostSpecific(path, candidates);
    // No more specific path matches: the routed one owns the URL, and the router matched its method.
    if (!owner || owner.methods.has(request.method)) return done();
    // Unmatched (404) or routed to a less specific path than the one that owns this URL.
    const routed = request.is404 ? undefined : request.routeOptions.url;
    if (routed === owner.url) return done();
    const allow = [...owner.methods].sort().join(', ');
    void reply.header('allow', allow);
    done(new SpamstreamError('METHOD_NOT_ALLOWED', `${path} does not accept ${request.method}; it accepts ${allow}`));
  });
}
