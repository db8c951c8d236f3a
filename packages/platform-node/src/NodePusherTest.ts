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
 * @since 0.1.0
 */
import * as PusherConfig from "@effect-pusher/core/PusherConfig"
import * as PusherTest from "@effect-pusher/core/PusherTest"
import * as EmulatorSocket from "@effect-pusher/protocol/EmulatorSocket"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Socket from "@effect/platform/Socket"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as Http from "node:http"
import * as SocketServer from "./internal/socketServer.js"

/**
 * Where the emulator listens, and how to point clients at it.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 * @category tags
 */
export class NodePusherTest extends Context.Tag("@effect-pusher/platform-node/NodePusherTest")<
  NodePusherTest,
  Served
>() {}

/**
 * The options of `serve`, `serveService` and `layer`: the port to listen on.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServeOptions {
  /** Defaults to 0: a free port chosen by the system. */
  readonly port?: number | undefined
}

const dropConnection = (request: Parameters<typeof NodeHttpServerRequest.toIncomingMessage>[0]) =>
  Effect.sync(() => {
    NodeHttpServerRequest.toIncomingMessage(request).socket.destroy()
    return HttpServerResponse.empty({ status: 502 })
  })

// `port`, read once (the bag may also hold `PusherTest` options, so other keys are not checked here).
const readPort = (options: ServeOptions | undefined): Either.Either<number, ConfigError.ConfigError> => {
  let port: unknown
  try {
    port = options?.port ?? 0
  } catch {
    return Either.left(ConfigError.InvalidData(["port"], "port could not be read (it threw while being read)"))
  }
  return typeof port === "number" && Number.isInteger(port) && port >= 0 && port <= 65535
    ? Either.right(port)
    : Either.left(ConfigError.InvalidData(["port"], "port must be an integer from 0 (any free port) to 65535"))
}

// 4100 (reconnect after a delay) rather than 4200 (at once): a client reconnecting at once would reach the
// server while it closes, and the platform's WebSocket server would wait for that socket too.
const shuttingDown = new Socket.CloseEvent(EmulatorSocket.ErrorCode.OverCapacity, "The server is shutting down")

/**
 * A socket that the server's scope closes: the platform's WebSocket server waits for every client to go
 * before it closes, so without this a server closed with sockets still open would wait forever. The
 * finalizer lives in a child scope opened once the socket is open (after the WebSocket server exists, so
 * it runs first) and dropped when the socket ends.
 */
const closedWithServer = (socket: Socket.Socket, server: Scope.Scope): Socket.Socket => ({
  ...socket,
  runRaw: (handler, options) =>
    Effect.suspend(() => {
      let child: Scope.CloseableScope | undefined
      // Once the socket has ended, writing would wait for it to open again: the finalizer then does nothing.
      let ended = false
      const onOpen = Effect.flatMap(Scope.fork(server, ExecutionStrategy.sequential), (opened) => {
        child = opened
        const close = Effect.suspend(() =>
          ended
            ? Effect.void
            : Effect.scoped(Effect.flatMap(socket.writer, (write) => Effect.ignore(write(shuttingDown))))
        )
        return Effect.zipRight(Scope.addFinalizer(opened, close), options?.onOpen ?? Effect.void)
      })
      return socket.runRaw(handler, { onOpen }).pipe(
        Effect.ensuring(Effect.suspend(() => {
          ended = true
          return child === undefined ? Effect.void : Scope.close(child, Exit.void)
        }))
      )
    })
})

/**
 * Serves an emulator on 127.0.0.1 until the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serveService = (
  service: PusherTest.Service,
  options?: ServeOptions
): Effect.Effect<Served, HttpServerError.ServeError | ConfigError.ConfigError, Scope.Scope> =>
  Effect.gen(function*() {
    const hostname = "127.0.0.1"
    const nodeServer = Http.createServer()
    const server = yield* NodeHttpServer.make(() => nodeServer, { host: hostname, port: yield* readPort(options) })
    const scope = yield* Effect.scope
    const acceptSocket: PusherTest.Service["acceptSocket"] = (socket, url) =>
      service.acceptSocket(closedWithServer(socket, scope), url)
    yield* server.serve(PusherTest.toHttpApp(service, dropConnection))
    // WebSockets through a server that bounds a message while reading it (the platform's cannot be told to).
    yield* SocketServer.serveUpgrades(nodeServer, acceptSocket)
    const port = server.address._tag === "TcpAddress" ? server.address.port : 0
    const { appId, key, secret } = service.config
    return {
      hostname,
      port,
      url: `http://${hostname}:${port}`,
      config: {
        appId,
        key,
        secret,
        host: hostname,
        port,
        useTLS: false,
        maxPayloadBytes: service.config.maxPayloadBytes,
        maxEventsPerBatch: service.config.maxEventsPerBatch,
        maxWatchlistSize: service.config.maxWatchlistSize,
        timeout: service.config.timeout
      },
      pusherOptions: { appId, key, secret: Redacted.value(secret), host: hostname, port: String(port), useTLS: false }
    }
  })

/**
 * Serves the `PusherTest` emulator of the context on 127.0.0.1 until the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serve = (
  options?: ServeOptions
): Effect.Effect<Served, HttpServerError.ServeError | ConfigError.ConfigError, PusherTest.PusherTest | Scope.Scope> =>
  Effect.flatMap(PusherTest.PusherTest, (service) => serveService(service, options))

// `port` is where the server listens, not the emulated app's (a `PusherTest` option too): read the bag once
// and split it off, so `port: 0` is a free port and `port: 8080` does not also become the app's port.
const splitPort = (
  options: (PusherTest.Options & ServeOptions) | undefined
): Either.Either<
  { readonly port: number | undefined; readonly rest: PusherTest.Options | undefined },
  ConfigError.ConfigError
> => {
  if (typeof options !== "object" || options === null) return Either.right({ port: undefined, rest: options })
  try {
    const { port, ...rest } = options
    return Either.right({ port, rest })
  } catch {
    return Either.left(ConfigError.InvalidData([], "options could not be read (they threw while being read)"))
  }
}

/**
 * A new emulator served on 127.0.0.1: provides `PusherTest` (to drive and inspect it), `NodePusherTest`
 * (its address) and a `PusherConfig` that points at it over HTTP. Bring your own `HttpClient` (for
 * example `NodePusherHttpClient`) to send the requests through the network.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: PusherTest.Options & ServeOptions
): Layer.Layer<
  PusherTest.PusherTest | NodePusherTest | PusherConfig.PusherConfig,
  ConfigError.ConfigError | HttpServerError.ServeError
> =>
  Layer.scopedContext(Effect.gen(function*() {
    const { port, rest } = yield* splitPort(options)
    const service = yield* PusherTest.make(rest)
    const served = yield* serveService(service, { port })
    const config = yield* PusherConfig.make(served.config)
    return Context.make(PusherTest.PusherTest, service).pipe(
      Context.add(NodePusherTest, served),
      Context.add(PusherConfig.PusherConfig, config)
    )
  }))
