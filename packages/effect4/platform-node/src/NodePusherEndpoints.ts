/**
 * The `PusherEndpoints` as plain Node `(req, res)` handlers, for `node:http`, Express, Fastify or any
 * framework that exposes Node's request and response.
 *
 * The handler reads the raw request body itself (the webhook signature is over the exact bytes), so mount
 * it before any body-parsing middleware: in Express, `app.post("/pusher/auth", handler)` ahead of
 * `express.json()`/`express.urlencoded()`; in Fastify, call it from a route with `reply.hijack()` and
 * `handler(request.raw, reply.raw)`.
 *
 * @since 0.1.0
 */
import * as Json from "@effect-pusher/protocol/Json"
import * as ProtocolOptions from "@effect-pusher/protocol/Options"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpApp from "effect/http/HttpApp"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import { deferDestroy } from "./internal/requestGuard.js"

/**
 * A Node request handler.
 *
 * @since 0.1.0
 * @category models
 */
export type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse) => void

/**
 * The options of `makeHandler` and `toHandler`: the largest body the app reads.
 *
 * @since 0.1.0
 * @category models
 */
export interface HandlerOptions {
  /**
   * The largest body the app reads, in bytes (its `HttpIncomingMessage.MaxBodySize`): an upper bound for
   * the endpoints' default limits and for any body the app reads with `@effect/platform`. An endpoint's
   * own `maxBodyBytes` option takes precedence.
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A handler for an app, running in the current Effect runtime (use it inside an Effect program). A
 * request refused at its body limit is answered 413 before the connection is closed.
 *
 * @since 0.1.0
 * @category constructors
 */
export function makeHandler<E, R>(
  app: HttpApp.Default<E, R>
): Effect.Effect<Handler, never, Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>>
export function makeHandler<E, R>(
  app: HttpApp.Default<E, R>,
  options: HandlerOptions | undefined
): Effect.Effect<Handler, ConfigError.ConfigError, Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>>
export function makeHandler<E, R>(
  app: HttpApp.Default<E, R>,
  options?: HandlerOptions
): Effect.Effect<Handler, ConfigError.ConfigError, Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>> {
  return Effect.flatMap(Effect.suspend(() => readMaxBodyBytes(options)), (maxBodyBytes) => {
    const bounded = maxBodyBytes === undefined
      ? app
      : HttpIncomingMessage.withMaxBodySize(app, Option.some(maxBodyBytes))
    return Effect.map(NodeHttpServer.makeHandler(bounded), (handle): Handler => (request, response) => {
      deferDestroy(request, response)
      handle(request, response)
    })
  })
}

const handlerKeys: Json.KeyTable<"maxBodyBytes"> = { accepted: ["maxBodyBytes"], replacements: {} }

// The options read once; a bad `maxBodyBytes` fails when the handler is made instead of being ignored.
const readMaxBodyBytes = (options: unknown): Either.Either<number | undefined, ConfigError.ConfigError> => {
  const read = Json.readOptions("", options, handlerKeys)
  if (!read.ok) {
    return Either.left(ConfigError.InvalidData([read.error.field], `${read.error.field} ${read.error.rule}`))
  }
  const given = read.value.maxBodyBytes
  if (given === undefined) return Either.right(undefined)
  // The endpoints' own rule (the protocol's), so a limit one accepts the other does too.
  const bytes = ProtocolOptions.byteLimit(given)
  return bytes !== undefined
    ? Either.right(bytes)
    : Either.left(ConfigError.InvalidData(["maxBodyBytes"], "maxBodyBytes must be a non-negative number of bytes"))
}

/**
 * A handler for an app whose services come from `layer`, for programs that are not written with Effect.
 * The layer is built on the first request; `dispose` releases it (for example on server shutdown).
 *
 * @example
 * ```ts
 * import { PusherEndpoints } from "@effect-pusher/core"
 * import { NodePusher, NodePusherEndpoints } from "@effect-pusher/platform-node"
 * import { Effect } from "effect"
 * import * as http from "node:http"
 *
 * const { dispose, handler } = NodePusherEndpoints.toHandler(
 *   PusherEndpoints.channelAuthorization(() => Effect.succeed(PusherEndpoints.allow)),
 *   // In production: `NodePusher.layerConfig()`, which reads PUSHER_URL or PUSHER_APP_ID, PUSHER_KEY, ...
 *   NodePusher.layer({ appId: "123456", key: "app-key", secret: "app-secret" })
 * )
 *
 * // Any server that hands over Node's request and response: node:http here, or Express, Fastify, ...
 * const server = http.createServer(handler)
 * server.listen(0, "127.0.0.1", async () => {
 *   const address = server.address()
 *   const port = typeof address === "object" && address !== null ? address.port : 0
 *   const response = await fetch(`http://127.0.0.1:${port}/pusher/auth`, {
 *     method: "POST",
 *     headers: { "content-type": "application/x-www-form-urlencoded" },
 *     body: "socket_id=1234.5678&channel_name=private-orders"
 *   })
 *   console.log(response.status, await response.json()) // 200 { auth: "app-key:…" }
 *   server.close()
 *   await dispose()
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const toHandler = <E, R, LE>(
  app: HttpApp.Default<E, R>,
  layer: Layer.Layer<Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>, LE>,
  options?: HandlerOptions
): { readonly handler: Handler; readonly dispose: () => Promise<void> } => {
  const runtime = ManagedRuntime.make(layer)
  let ready: Promise<Handler | undefined> | undefined
  const handler: Handler = (request, response) => {
    ready ??= runtime.runPromiseExit(makeHandler(app, options)).then((exit) => {
      if (Exit.isSuccess(exit)) return exit.value
      // The layer failed to build (a configuration error, ...): say why, and try again on the next request. The
      // cause goes to the logger as a cause (its message, readable), not as a FiberFailure dumped as JSON.
      ready = undefined
      Effect.runFork(Effect.logError("NodePusherEndpoints: the layer could not be built", exit.cause))
      return undefined
    })
    ready.then((handle) => {
      if (handle !== undefined) return handle(request, response)
      response.statusCode = 500
      response.end()
    })
  }
  return { handler, dispose: () => runtime.dispose() }
}
