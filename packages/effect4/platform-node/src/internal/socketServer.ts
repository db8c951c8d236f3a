/**
 * The served emulator's WebSocket upgrades, through `ws` with a message-size limit.
 *
 * @internal
 */
import * as EmulatorSocket from "@effect-pusher/protocol/EmulatorSocket"
import * as Effect from "effect/Effect"
import * as FiberSet from "effect/FiberSet"
import type * as Scope from "effect/Scope"
import * as Socket from "effect/socket/Socket"
import type * as Http from "node:http"
import type * as Stream from "node:stream"
import { WebSocketServer } from "ws"

/**
 * The WebSocket upgrades of a node:http server, served by a `ws` server that reads at most
 * {@link EmulatorSocket.maxFrameBytes} per message: a longer one is refused from its header, with the
 * close code 1009 (RFC 6455 "message too big"; Channels documents no code of its own for it), before its
 * payload is read. The platform's own upgrade handler cannot be given a limit (its `ws` server keeps the
 * 100 MiB default, so a 100 MB message was buffered whole before the emulator saw it), so it is taken off
 * the server and this one answers every upgrade: `accept` runs each socket as a fiber of the scope.
 *
 * @internal
 */
export const serveUpgrades = (
  server: Http.Server,
  accept: (socket: Socket.Socket, url: string) => Effect.Effect<void>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function*() {
    const wss = yield* Effect.acquireRelease(
      Effect.sync(() => new WebSocketServer({ noServer: true, maxPayload: EmulatorSocket.maxFrameBytes })),
      // ws waits for its clients to close; the sockets' own fibers close them first (finalizers run in reverse).
      (wss) => Effect.callback<void>((resume) => wss.close(() => resume(Effect.void)))
    )
    const runFork = yield* FiberSet.makeRuntime<never, void, never>()
    for (const listener of server.listeners("upgrade")) {
      server.off("upgrade", listener as (...args: Array<unknown>) => void)
    }
    const onUpgrade = (request: Http.IncomingMessage, socket: Stream.Duplex, head: Buffer) => {
      wss.handleUpgrade(request, socket, head, (ws) => {
        // `ws` implements the event-target subset the platform reads (its own `NodeWS` passes it the same way);
        // only the event payload types differ, which the platform reads structurally.
        const webSocket = ws as unknown as Socket.WebSocketLike
        const acquired = Effect.acquireRelease(Effect.succeed(webSocket), (open) => Effect.sync(() => open.close()))
        // The WebSocket in context too, as the platform gives it to a socket's handlers: the emulator then
        // writes frames to it directly (see the core socket's `send`).
        runFork(
          Effect.flatMap(Socket.fromWebSocket(acquired), (socket) => accept(socket, request.url ?? "/")).pipe(
            Effect.provideService(Socket.WebSocket, webSocket)
          )
        )
      })
    }
    server.on("upgrade", onUpgrade)
    yield* Effect.addFinalizer(() => Effect.sync(() => server.off("upgrade", onUpgrade)))
  })
