/**
 * The `PusherEndpoints` as plain Node `(req, res)` handlers, for `node:http`, Express, Fastify or any
 * framework that exposes Node's request and response.
 *
 * The handler reads the raw request body itself (the webhook signature is over the exact bytes), so mount
 * it before any body-parsing middleware: in Express, `app.post("/pusher/auth", handler)` ahead of
 * `express.json()`/`express.urlencoded()`; in Fastify, call it from a route with `reply.hijack()` and
 * `handler(request.raw, reply.raw)`.
 *
 * @since 1.0.0
 */
import * as Json from "@effect-pusher/protocol/Json"
import * as ProtocolOptions from "@effect-pusher/protocol/Options"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as ByteSize from "effect/ByteSize"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as HttpRouter from "effect/http/HttpRouter"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaIssue from "effect/SchemaIssue"
import * as Scope from "effect/Scope"
import type * as Http from "node:http"
import { stopReadingWhenClosed } from "./internal/requestGuard.js"

/**
 * A Node request handler.
 *
 * @since 1.0.0
 * @category models
 */
export type Handler = (request: Http.IncomingMessage, response: Http.ServerResponse) => void

/**
 * The services routes (a `Layer` of `HttpRouter` routes, such as `PusherEndpoints.router`'s) need when
 * served: those their handlers need in each request and those needed to build them, less what the layer
 * itself provides.
 *
 * @since 1.0.0
 * @category models
 */
export type RoutesServices<A, R> = Exclude<
  | HttpRouter.Request.Only<"Requires", R>
  | HttpRouter.Request.Only<"GlobalRequires", R>
  | Exclude<HttpRouter.Request.Without<R>, HttpRouter.HttpRouter>,
  A | HttpServerRequest.HttpServerRequest | Scope.Scope
>

/**
 * The options of `makeHandler` and `toHandler`: the largest body the app reads.
 *
 * @since 1.0.0
 * @category models
 */
export interface HandlerOptions {
  /**
   * The largest body the app reads, in bytes (its `HttpIncomingMessage.MaxBodySize`): an upper bound for
   * the endpoints' default limits and for any body the app reads with `effect/http`. An endpoint's
   * own `maxBodyBytes` option takes precedence.
   */
  readonly maxBodyBytes?: number | undefined
}

/**
 * A handler for an endpoint (an `HttpEffect`: an Effect answering the `HttpServerRequest` in its context) or
 * for routes (a `Layer` of `HttpRouter` routes, such as `PusherEndpoints.router`'s), running in the current
 * Effect context (use it inside an Effect program). Each request runs in a fiber of the current `Scope`:
 * closing it interrupts the requests still running. A request refused at its body limit is answered 413
 * before the connection is closed.
 *
 * @since 1.0.0
 * @category constructors
 */
export function makeHandler<E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  options?: HandlerOptions
): Effect.Effect<Handler, Config.ConfigError, Exclude<R, HttpServerRequest.HttpServerRequest> | Scope.Scope>
export function makeHandler<A, E, R>(
  routes: Layer.Layer<A, E, R>,
  options?: HandlerOptions
): Effect.Effect<Handler, Config.ConfigError | HttpRouter.Request.Without<E>, RoutesServices<A, R> | Scope.Scope>
export function makeHandler(app: Served, options?: HandlerOptions): Effect.Effect<Handler, unknown, unknown> {
  return handlerOf(app, options)
}

// What `makeHandler` and `toHandler` serve, with its types left to their overloads.
type Served =
  | Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, unknown>
  | Layer.Layer<never, unknown, unknown>

const handlerOf = (app: Served, options: HandlerOptions | undefined): Effect.Effect<Handler, unknown, unknown> =>
  Effect.flatMap(Effect.fromResult(readMaxBodyBytes(options)), (maxBodyBytes) =>
    Effect.flatMap(
      Effect.isEffect(app) ? Effect.succeed(app) : HttpRouter.toHttpEffect(app),
      (httpEffect: Effect.Effect<HttpServerResponse.HttpServerResponse, unknown, unknown>) =>
        Effect.flatMap(Effect.scope, (scope) =>
          Effect.map(
            NodeHttpServer.makeHandler(
              // The app's bound on what it reads: the endpoints' default limits stay under it.
              maxBodyBytes === undefined
                ? httpEffect
                : Effect.provideService(
                  httpEffect,
                  HttpIncomingMessage.MaxBodySize,
                  ByteSize.fromInputUnsafe(maxBodyBytes)
                ),
              { scope }
            ),
            (handle): Handler => (request, response) => {
              stopReadingWhenClosed(request, response)
              handle(request, response)
            }
          ))
    ))

const handlerKeys: Json.KeyTable<"maxBodyBytes"> = { accepted: ["maxBodyBytes"], replacements: {} }

// Effect's own `ConfigError` for an option that broke its rule, as `Config` reports a value its schema refuses.
const invalid = (path: string, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer([path], new SchemaIssue.InvalidValue({ message })))
  )

// The options read once; a bad `maxBodyBytes` fails when the handler is made instead of being ignored.
const readMaxBodyBytes = (options: unknown): Result.Result<number | undefined, Config.ConfigError> => {
  const read = Json.readOptions("", options, handlerKeys)
  if (!read.ok) return Result.fail(invalid(read.error.field, `${read.error.field} ${read.error.rule}`))
  const given = read.value.maxBodyBytes
  if (given === undefined) return Result.succeed(undefined)
  // The endpoints' own rule (the protocol's), so a limit one accepts the other does too.
  const bytes = ProtocolOptions.byteLimit(given)
  return bytes !== undefined
    ? Result.succeed(bytes)
    : Result.fail(invalid("maxBodyBytes", "maxBodyBytes must be a non-negative number of bytes"))
}

/**
 * A handler for an endpoint or routes whose services come from `layer`, for programs that are not written
 * with Effect. The layer is built on the first request; `dispose` interrupts the requests still running and
 * releases it (for example on server shutdown).
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
 * @since 1.0.0
 * @category constructors
 */
export function toHandler<E, R, LE>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  layer: Layer.Layer<Exclude<R, HttpServerRequest.HttpServerRequest | Scope.Scope>, LE>,
  options?: HandlerOptions
): { readonly handler: Handler; readonly dispose: () => Promise<void> }
export function toHandler<A, E, R, LE>(
  routes: Layer.Layer<A, E, R>,
  layer: Layer.Layer<RoutesServices<A, R>, LE>,
  options?: HandlerOptions
): { readonly handler: Handler; readonly dispose: () => Promise<void> }
export function toHandler(
  app: Served,
  layer: Layer.Layer<never, unknown>,
  options?: HandlerOptions
): { readonly handler: Handler; readonly dispose: () => Promise<void> } {
  // The overloads have checked that the layer provides what the app needs: here, whatever that is.
  const runtime = ManagedRuntime.make(layer as Layer.Layer<unknown, unknown>)
  // The requests' fibers run in this scope, closed (interrupting them) before the layer is released.
  const scope = Scope.makeUnsafe()
  let ready: Promise<Handler | undefined> | undefined
  const handler: Handler = (request, response) => {
    ready ??= runtime.runPromiseExit(Scope.provide(handlerOf(app, options), scope)).then((exit) => {
      if (Exit.isSuccess(exit)) return exit.value
      // The layer failed to build (a configuration error, ...): say why, and try again on the next request. The
      // cause goes to the logger as a cause (its message, readable), not as a failure dumped as JSON.
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
  return {
    handler,
    dispose: () => Effect.runPromise(Scope.close(scope, Exit.void)).then(() => runtime.dispose())
  }
}
