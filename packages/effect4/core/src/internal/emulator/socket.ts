import * as EmulatorApi from "@effect-pusher/protocol/EmulatorApi"
import * as EmulatorSocket from "@effect-pusher/protocol/EmulatorSocket"
import * as EmulatorSocketFrames from "@effect-pusher/protocol/EmulatorSocketFrames"
import * as EmulatorState from "@effect-pusher/protocol/EmulatorState"
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Socket from "effect/socket/Socket"
import * as Emulator from "./emulator.js"

/**
 * Frames queued for one socket before the emulator gives up on it (closing it with 4100): a socket that
 * does not read cannot make the server's memory grow without bound.
 *
 * @internal
 */
export const outboundCapacity = 4096

/**
 * Bytes a WebSocket may hold unsent (its `bufferedAmount`) before the emulator gives up on it (closing it
 * with 4100), when frames are written to it directly.
 *
 * @internal
 */
export const outboundBytes = 8 * 1024 * 1024

/** @internal */
export interface Timeouts {
  readonly activityTimeoutSeconds: number
  readonly pongTimeoutSeconds: number
}

const textDecoder = new TextDecoder()

const overCapacity: EmulatorSocket.SocketError = {
  code: EmulatorSocket.ErrorCode.OverCapacity,
  message: "Over capacity: the socket does not read the frames sent to it"
}

const tooLarge = EmulatorSocket.frameTooLarge()

const closeWith = (
  write: (chunk: string | Socket.CloseEvent) => Effect.Effect<void, Socket.SocketError>,
  error: EmulatorSocket.SocketError
): Effect.Effect<void> =>
  Effect.ignore(Effect.andThen(
    write(EmulatorSocket.errorFrame(error)),
    // A close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5); ws throws past it.
    write(
      new Socket.CloseEvent(error.code ?? EmulatorSocket.ErrorCode.Reconnect, Encoding.utf8Prefix(error.message, 123))
    )
  ))

/** A WebSocket that says how many bytes it holds unsent (`ws` and browsers do; Effect's interface does not ask). */
interface Buffered extends Socket.WebSocketLike {
  readonly bufferedAmount: number
}

const isBuffered = (webSocket: Socket.WebSocketLike): webSocket is Buffered =>
  "bufferedAmount" in webSocket && typeof webSocket.bufferedAmount === "number"

/**
 * The heartbeat of the protocol: after `activityTimeout` of silence the server pings, and a socket that
 * does not answer within `pongTimeout` is closed with 4201.
 */
const heartbeat = (
  timeouts: Timeouts,
  lastHeard: () => number,
  framesHeard: () => number,
  send: (frame: string) => void,
  close: (error: EmulatorSocket.SocketError) => void
): Effect.Effect<void> => {
  const activity = Duration.seconds(timeouts.activityTimeoutSeconds)
  const pong = Duration.seconds(timeouts.pongTimeoutSeconds)
  const check: Effect.Effect<void> = Effect.gen(function*() {
    const now = yield* Clock.currentTimeMillis
    const idle = now - lastHeard()
    if (idle < Duration.toMillis(activity)) {
      yield* Effect.sleep(Duration.millis(Duration.toMillis(activity) - idle))
      return
    }
    // Any frame counts as the answer: counted, not timed (a pong within the ping's millisecond is one).
    const before = framesHeard()
    send(EmulatorSocket.ping)
    yield* Effect.sleep(pong)
    if (framesHeard() === before) {
      close({ code: EmulatorSocket.ErrorCode.PongNotReceived, message: "Pong reply not received" })
      yield* Effect.never
    }
  })
  return Effect.forever(check)
}

/**
 * One real socket's lifetime, as one fiber: the handshake, `pusher:connection_established`, the frames it
 * sends (answered by the protocol under the state's lock), the frames others send it (through its bounded
 * queue) and the heartbeat. When it ends, for any reason, the socket leaves every channel.
 *
 * @internal
 */
export const serve = (
  emulator: Emulator.Emulator,
  socket: Socket.Socket,
  url: string,
  timeouts: Timeouts
): Effect.Effect<void> =>
  // The platform runs an upgraded request's handler uninterruptibly; the socket's own fibers (writer,
  // heartbeat, closer) must stay interruptible, or closing its scope would wait on them forever.
  Effect.interruptible(Effect.scoped(Effect.gen(function*() {
    const { write } = yield* socket.writer
    const closing = yield* Deferred.make<EmulatorSocket.SocketError>()
    const queue = yield* Queue.bounded<string>(outboundCapacity)
    const close = (error: EmulatorSocket.SocketError) => {
      Deferred.doneUnsafe(closing, Exit.succeed(error))
    }
    // A server that hands over its WebSocket (NodePusherTest does, as the platform does to its handlers) is
    // written to directly, in order, its own buffer bounded; any other socket (or one that does not say how
    // much it buffers) through a queue and a writer fiber. bench:emulator, 1,000 sockets: the queue's
    // wake-up, Deferred and fiber per frame per socket were half the server's CPU (and most of its garbage).
    const handed = Option.getOrUndefined(yield* Effect.serviceOption(Socket.WebSocket))
    const direct = handed !== undefined && isBuffered(handed) ? handed : undefined
    const send = direct === undefined
      ? (frame: string) => {
        if (!Queue.offerUnsafe(queue, frame)) close(overCapacity)
      }
      : (frame: string) => {
        if (direct.readyState !== 1) return
        if (direct.bufferedAmount > outboundBytes) close(overCapacity)
        else direct.send(frame)
      }
    const target = EmulatorApi.parseTarget(url)
    const refused = EmulatorSocket.checkHandshake(target.path, target.query, emulator.config.key)
    let socketId: string | undefined
    let lastHeard = yield* Clock.currentTimeMillis
    let framesHeard = 0
    let rate = EmulatorSocket.freshWindow

    const open = (scope: Scope.Scope): Effect.Effect<void> =>
      Effect.gen(function*() {
        if (refused !== undefined) return close(refused)
        const id = yield* Emulator.update(emulator, (state) => {
          const connected = EmulatorState.connect(state, undefined, undefined)
          // A fresh socket id cannot be refused; should it ever be, the socket is closed below.
          return connected.ok ? connected.value : { state, value: undefined, changes: [] }
        })
        if (id === undefined) return close({ code: EmulatorSocket.ErrorCode.Reconnect, message: "No socket id" })
        socketId = id
        emulator.outlets.set(id, { send, close })
        send(EmulatorSocket.connectionEstablished(id, timeouts.activityTimeoutSeconds))
        if (direct === undefined) yield* Effect.forkIn(Effect.forever(Effect.flatMap(Queue.take(queue), write)), scope)
        yield* Effect.forkIn(heartbeat(timeouts, () => lastHeard, () => framesHeard, send, close), scope)
      })

    const receive = (data: string | Uint8Array) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        lastHeard = now
        framesHeard++
        const id = socketId
        if (id === undefined) return Effect.void
        // A binary frame is decoded only when its bytes could fit the limit (a server that reads with
        // maxFrameBytes, as NodePusherTest does, never hands over a longer one).
        if (typeof data !== "string" && data.length > EmulatorSocket.maxFrameBytes) {
          send(EmulatorSocket.errorFrame(tooLarge))
          return Effect.void
        }
        const raw = typeof data === "string" ? data : textDecoder.decode(data)
        return Effect.map(
          Emulator.update(emulator, (state, nowMillis) => {
            const transition = EmulatorSocketFrames.receive(state, emulator.app, id, raw, nowMillis, rate)
            rate = transition.value.rate
            return transition
          }),
          (reaction) => {
            for (const reply of reaction.replies) send(reply)
            if (reaction.close !== undefined) close(reaction.close)
          }
        )
      })

    const scope = yield* Effect.scope
    // Closing writes the error and the close frame; the socket then fails its next pull like any other close.
    yield* Effect.forkScoped(Effect.flatMap(Deferred.await(closing), (error) => closeWith(write, error)))
    // The reader is acquired once the socket is open; its frames are answered one batch at a time, in order,
    // until a pull fails (the socket closed, either side).
    yield* Effect.gen(function*() {
      const { pull } = yield* socket.reader
      yield* open(scope)
      while (true) {
        for (const frame of yield* pull) yield* receive(frame)
      }
    }).pipe(
      Effect.ignore,
      Effect.ensuring(Effect.suspend(() => {
        const id = socketId
        if (id === undefined) return Effect.void
        emulator.outlets.delete(id)
        return Emulator.update(emulator, (state) => EmulatorState.disconnect(state, id))
      }))
    )
  })))
