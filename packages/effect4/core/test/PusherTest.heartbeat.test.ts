import { Pusher, PusherTest } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Queue from "effect/Queue"
import * as Socket from "effect/socket/Socket"
import { TestClock } from "effect/testing"

// A socket in memory: what the server writes is recorded, what the client sends is offered to `inbound`; a
// close frame written ends the reader (its next pull fails, as a real socket's does).
const memorySocket = Effect.gen(function*() {
  const inbound = yield* Queue.unbounded<string>()
  const written: Array<string | Uint8Array | Socket.CloseEvent> = []
  const closed = yield* Deferred.make<void>()
  const closeError = new Socket.SocketError({ reason: new Socket.SocketCloseError({ code: 1000 }) })
  const socket: Socket.Socket = Socket.make({
    reader: Effect.succeed({
      pull: Effect.raceFirst(
        Effect.map(Queue.take(inbound), (frame) => [frame] as const),
        Effect.andThen(Deferred.await(closed), Effect.fail(closeError))
      ),
      upgrade: Socket.SocketUpgradeError.unsupported
    }),
    writer: Effect.succeed({
      write: (chunk) =>
        Effect.sync(() => {
          written.push(chunk)
          if (Socket.isCloseEvent(chunk)) Deferred.doneUnsafe(closed, Effect.void)
        }),
      writeAll: (chunks) =>
        Effect.sync(() => {
          written.push(...chunks)
        })
    })
  })
  const events = () =>
    written.flatMap((chunk) =>
      typeof chunk === "string" ? [JSON.parse(chunk).event] : Socket.isCloseEvent(chunk) ? [`close ${chunk.code}`] : []
    )
  return { socket, inbound, events }
})

describe("PusherTest sockets' heartbeat", () => {
  it.effect("a pong within the millisecond of the ping counts: the socket stays open", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const { events, inbound, socket } = yield* memorySocket
      const fiber = yield* Effect.forkChild(emulator.acceptSocket(socket, "/app/test-key?protocol=7"))
      yield* TestClock.adjust("1 second")
      expect(events()).toEqual(["pusher:connection_established", "pusher:ping"])
      // Answered at once: the clock has not moved since the ping.
      yield* Queue.offer(inbound, JSON.stringify({ event: "pusher:pong", data: {} }))
      yield* Effect.yieldNow
      yield* TestClock.adjust("1 second")
      expect(events()).not.toContain("close 4201")
      // Silence after that is refused as before.
      yield* TestClock.adjust("3 seconds")
      expect(events()).toContain("close 4201")
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(PusherTest.layer({ activityTimeoutSeconds: 1, pongTimeoutSeconds: 1 }))))
  it.effect("a WebSocket handed over in context is written to directly; one that does not read is closed with 4100", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const { events, inbound, socket } = yield* memorySocket
      const direct: Array<string> = []
      const webSocket = {
        readyState: 1,
        bufferedAmount: 0,
        send: (frame: string | Uint8Array) => {
          if (typeof frame === "string") direct.push(JSON.parse(frame).event)
        },
        addEventListener: () => {},
        removeEventListener: () => {},
        close: () => {}
      }
      const fiber = yield* Effect.forkChild(
        emulator.acceptSocket(socket, "/app/test-key?protocol=7").pipe(
          Effect.provideService(Socket.WebSocket, webSocket)
        )
      )
      yield* Queue.offer(inbound, JSON.stringify({ event: "pusher:subscribe", data: { channel: "news" } }))
      yield* Effect.yieldNow
      yield* Pusher.trigger("news", "first", 1)
      expect(direct).toEqual(["pusher:connection_established", "pusher_internal:subscription_succeeded", "first"])
      // 8 MiB that the peer has not read: the next frame is not sent, the socket is closed with 4100.
      webSocket.bufferedAmount = 8 * 1024 * 1024 + 1
      yield* Pusher.trigger("news", "second", 2)
      yield* Effect.yieldNow
      expect(direct).not.toContain("second")
      expect(events()).toEqual(["pusher:error", "close 4100"])
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(PusherTest.layer())))
})
