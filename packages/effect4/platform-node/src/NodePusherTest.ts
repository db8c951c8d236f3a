/**
 * Serves the `PusherTest` emulator over real HTTP on 127.0.0.1, for clients outside Effect (pusher@5.3.4,
 * curl, another process) and for tests that want the whole network path.
 *
 * ```ts
 * it.scopedLive("the official client talks to the emulator", () =>
 *   Effect.gen(function*() {
 *     const served = yield* NodePusherTest.serve()          // the PusherTest in context, on a free port
 *     const pusher = new Pusher({ ...served.pusherOptions }) // appId, key, secret, host, port, useTLS: false
 *     yield* Effect.promise(() => pusher.trigger("c", "e", { hello: 1 }))
 *   }).pipe(Effect.provide(PusherTest.layer())))
 * ```
 *
 * A `Transport` fault drops the connection (the socket is destroyed before any answer). Use the live
 * clock: the emulator checks `auth_timestamp` against the clock of the fiber that started the server.
 *
 * @since 1.0.0
 */
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as PusherTest from "@effect-pusher/core/PusherTest"
import * as EmulatorSocket from "@effect-pusher/protocol/EmulatorSocket"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as HttpServerError from "effect/http/HttpServerError"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as Socket from "effect/socket/Socket"
import * as Http from "node:http"
import * as Cors from "./internal/cors.js"
import * as Serving from "./internal/serveOptions.js"
import * as SocketServer from "./internal/socketServer.js"
import * as WebhookDelivery from "./internal/webhookDelivery.js"
import * as NodePusherHttpClient from "./NodePusherHttpClient.js"

/**
 * Where the emulator listens, and how to point clients at it.
 *
 * @since 1.0.0
 * @category models
 */
export interface Served {
  readonly hostname: string
  readonly port: number
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  /** Options for `PusherConfig.layer` (or `PusherConfig.make`) that target the served emulator. */
  readonly config: PusherConfig.Options
  /** Options for the official `pusher` package: `new Pusher(served.pusherOptions)`. */
  readonly pusherOptions: {
    readonly appId: string
    readonly key: string
    readonly secret: string
    readonly host: string
    readonly port: string
    readonly useTLS: false
  }
}

/**
 * The service giving tests an emulator served over HTTP on 127.0.0.1, with its URL and the options that
 * target it.
 *
 * @since 1.0.0
 * @category tags
 */
export class NodePusherTest
  extends Context.Service<NodePusherTest, Served>()("@effect-pusher/platform-node/NodePusherTest")
{}

/**
 * The options of `serve`, `serveService` and `layer`: where to listen, and where to post webhooks.
 *
 * @since 1.0.0
 * @category models
 */
export interface ServeOptions {
  /** Defaults to 0: a free port chosen by the system. */
  readonly port?: number | undefined
  /**
   * The address to listen on: an IPv4 or IPv6 address, or `localhost`. Defaults to `127.0.0.1`; `0.0.0.0`
   * opens the emulator to the network.
   */
  readonly hostname?: string | undefined
  /**
   * An `http:` or `https:` URL to POST every webhook the emulator makes to, with the headers and body it
   * records (`X-Pusher-Key`, `X-Pusher-Signature`), in order. As Channels does, an attempt fails on a status
   * other than 2XX or no answer within 4 seconds, and is retried with exponential backoff (1 s, 2 s, 4 s, ...)
   * for 5 minutes after the webhook was made, then dropped; at most 1,000 webhooks wait behind the one being
   * delivered (newer ones are dropped). Failures are logged (without the URL's credentials or query), never
   * fatal. Default: webhooks are only recorded.
   */
  readonly webhookUrl?: string | undefined
}

const dropConnection = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.sync(() => {
    NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()
    return HttpServerResponse.empty({ status: 502 })
  })

// 4100 (reconnect after a delay) rather than 4200 (at once): a client reconnecting at once would reach the
// server while it closes, and the platform's WebSocket server would wait for that socket too.
const shuttingDown = new Socket.CloseEvent(EmulatorSocket.ErrorCode.OverCapacity, "The server is shutting down")

/**
 * A socket that the server's scope closes, with a close frame that tells the client why: `ws` waits for every
 * client to go before it closes, so without this a server closed with sockets still open would wait for
 * them. Acquiring the socket's reader is what opens it (see `Socket.Socket`), so that is where a child scope
 * of the server's is opened (after the WebSocket server exists, so its finalizer runs first) and where the
 * reader's own scope drops it when the socket ends.
 */
const closedWithServer = (socket: Socket.Socket, server: Scope.Scope): Socket.Socket =>
  Socket.make({
    writer: socket.writer,
    reader: Effect.gen(function*() {
      const reader = yield* socket.reader
      const child = yield* Scope.fork(server, "sequential")
      // Once the socket has ended, writing would wait for it to open again: the finalizer then does nothing.
      let ended = false
      yield* Scope.addFinalizer(
        child,
        Effect.suspend(() =>
          ended
            ? Effect.void
            : Effect.scoped(Effect.flatMap(socket.writer, (writer) => Effect.ignore(writer.write(shuttingDown))))
        )
      )
      yield* Effect.addFinalizer(() =>
        Effect.suspend(() => {
          ended = true
          return Scope.close(child, Exit.void)
        })
      )
      return reader
    })
  })

/**
 * Serves an emulator (REST API with CORS, Channels WebSocket) on 127.0.0.1, or the `hostname` of the
 * options, until the scope closes, with its debug console at `/` (see `PusherTest.Service.withConsole`); with
 * a `webhookUrl`, its webhooks are posted there.
 *
 * @since 1.0.0
 * @category constructors
 */
export const serveService = (
  service: PusherTest.Service,
  options?: ServeOptions
): Effect.Effect<Served, HttpServerError.ServeError | Config.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const { hostname: listen, port: requested, webhookUrl } = yield* Effect.fromResult(Serving.read(options))
    const nodeServer = Http.createServer()
    const server = yield* NodeHttpServer.make(() => nodeServer, { host: listen, port: requested })
    const scope = yield* Effect.scope
    const acceptSocket: PusherTest.Service["acceptSocket"] = (socket, url) =>
      service.acceptSocket(closedWithServer(socket, scope), url)
    // Before serving, so that no webhook made by the first requests or sockets is missed.
    if (webhookUrl !== undefined) {
      // One connection: deliveries are sequential. Only the status counts, so a long answer is not read whole.
      const client = yield* NodePusherHttpClient.make({ connections: 1, maxResponseBytes: 64 * 1024 })
      yield* WebhookDelivery.start(service, client, WebhookDelivery.target(webhookUrl))
    }
    // The debug console at `/` (outside CORS, which covers `/apps/` only). Its feeds must end before the server
    // waits for its connections to close (the platform's `serve` finalizer waits up to 20 s), so they live in a
    // scope of their own that is closed after `serve`'s finalizer is registered, hence before it runs; the first
    // finalizer covers a failure in between (closing a closed scope does nothing).
    const consoleScope = yield* Scope.make()
    yield* Effect.addFinalizer(() => Scope.close(consoleScope, Exit.void))
    const app = yield* service.withConsole(Cors.restApi(PusherTest.toHttpApp(service, dropConnection))).pipe(
      Scope.provide(consoleScope)
    )
    yield* server.serve(app)
    yield* Effect.addFinalizer(() => Scope.close(consoleScope, Exit.void))
    // WebSockets through a server that bounds a message while reading it (the platform's cannot be told to).
    yield* SocketServer.serveUpgrades(nodeServer, acceptSocket)
    const hostname = Serving.connectTo(listen)
    const host = Serving.urlHost(hostname)
    const port = server.address._tag === "UnixPathAddress" ? 0 : server.address.port
    const { appId, key, secret } = service.config
    return {
      hostname,
      port,
      url: `http://${host}:${port}`,
      config: {
        appId,
        key,
        secret,
        host,
        port,
        useTLS: false,
        maxPayloadBytes: service.config.maxPayloadBytes,
        maxEventsPerBatch: service.config.maxEventsPerBatch,
        maxWatchlistSize: service.config.maxWatchlistSize,
        timeout: service.config.timeout
      },
      pusherOptions: { appId, key, secret: Redacted.value(secret), host, port: String(port), useTLS: false }
    }
  })

/**
 * Serves the `PusherTest` emulator of the context on 127.0.0.1 until the scope closes.
 *
 * @since 1.0.0
 * @category constructors
 */
export const serve = (
  options?: ServeOptions
): Effect.Effect<Served, HttpServerError.ServeError | Config.ConfigError, PusherTest.PusherTest | Scope.Scope> =>
  Effect.flatMap(PusherTest.PusherTest, (service) => serveService(service, options))

// `port` is where the server listens, not the emulated app's (a `PusherTest` option too): read the bag once
// and split it off, so `port: 0` is a free port and `port: 8080` does not also become the app's port. The
// other serving options are split off with it (`PusherTest.make` refuses keys it does not know).
const splitServe = (
  options: (PusherTest.Options & ServeOptions) | undefined
): Result.Result<
  { readonly serve: ServeOptions; readonly rest: PusherTest.Options | undefined },
  Config.ConfigError
> => {
  if (typeof options !== "object" || options === null) return Result.succeed({ serve: {}, rest: options })
  try {
    const { hostname, port, webhookUrl, ...rest } = options
    return Result.succeed({ serve: { hostname, port, webhookUrl }, rest })
  } catch {
    return Result.fail(Serving.invalidOptions)
  }
}

/**
 * A new emulator served on 127.0.0.1 (or `hostname`): provides `PusherTest` (to drive and inspect it), `NodePusherTest`
 * (its address) and a `PusherConfig` that points at it over HTTP. Bring your own `HttpClient` (for
 * example `NodePusherHttpClient`) to send the requests through the network.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options?: PusherTest.Options & ServeOptions
): Layer.Layer<
  PusherTest.PusherTest | NodePusherTest | PusherConfig.PusherConfig,
  Config.ConfigError | HttpServerError.ServeError
> =>
  Layer.effectContext(Effect.gen(function*() {
    const { rest, serve } = yield* Effect.fromResult(splitServe(options))
    const service = yield* PusherTest.make(rest)
    const served = yield* serveService(service, serve)
    const config = yield* PusherConfig.make(served.config)
    return Context.make(PusherTest.PusherTest, service).pipe(
      Context.add(NodePusherTest, served),
      Context.add(PusherConfig.PusherConfig, config)
    )
  }))
