/**
 * A node:http server for a Node `(req, res)` handler, scoped: closed (connections included) with the scope.
 * The server itself is the Effect 3 line's harness's, Effect-free (test/e2e/harness/nodeServer.ts).
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import * as NodeServer from "../../../../../test/e2e/harness/nodeServer.js"

/** Serves a Node `(req, res)` handler on 127.0.0.1 until the scope closes; returns its base URL. */
export const serveHandler = (
  handler: Http.RequestListener
): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => NodeServer.serve(handler)),
    (server) => Effect.promise(() => server.close())
  ).pipe(Effect.map((server) => server.url))
