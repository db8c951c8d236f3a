/**
 * How a user tests code that publishes with Pusher: swap in `PusherTest.layer()` and read what was sent.
 */
import { Pusher, PusherTest } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"

// The code under test: an ordinary function that uses Pusher.
const postMessage = (room: string, author: string, text: string) =>
  Pusher.trigger(`room-${room}`, "message", { author, text })

describe("PusherTest: testing your own code", () => {
  it.effect("records the event that your code triggered", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest

      yield* postMessage("lobby", "ada", "hello")

      const event = yield* pusher.takeEvent({ channel: "room-lobby" })
      expect(event.name).toBe("message")
      expect(event.data).toEqual({ author: "ada", text: "hello" })
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("shows who received it", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      const alice = yield* pusher.subscribe("room-lobby")
      const bob = yield* pusher.subscribe("room-lobby")

      // Bob posted it himself, so his socket is excluded.
      yield* Pusher.trigger("room-lobby", "message", "hi", { socketId: bob })

      const event = yield* pusher.takeEvent()
      expect(event.recipients).toEqual([alice])
      expect(event.data).toBe("hi")
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("lets you test how your code handles an outage", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      yield* pusher.failNext(PusherTest.Fault.Status({ status: 503 }))

      const error = yield* Effect.flip(postMessage("lobby", "ada", "hello"))
      expect(error._tag).toBe("HttpError")
      expect(error._tag === "HttpError" && error.reason).toBe("ServerError")

      // The next request goes through, and only it was recorded.
      yield* postMessage("lobby", "ada", "hello again")
      const events = yield* pusher.events
      expect(events.map((e) => e.data)).toEqual([{ author: "ada", text: "hello again" }])
    }).pipe(Effect.provide(PusherTest.layer())))
})
