import { Pusher, PusherTest } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"

// A long-running emulator (`effect-pusher-emulator`) must not grow with its traffic: `maxRecorded` keeps the
// newest entries of each recording.
describe("PusherTest maxRecorded", () => {
  const triggerMany = (count: number) =>
    Effect.forEach(Array.from({ length: count }, (_, i) => i), (i) => Pusher.trigger("news", `e${i}`, { i }), {
      discard: true
    })

  it.effect("keeps the newest events, in order; streams and takes start from the oldest kept", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      yield* triggerMany(5)
      expect((yield* emulator.events).map((event) => event.name)).toEqual(["e2", "e3", "e4"])
      const replayed = yield* Stream.runCollect(Stream.take(emulator.eventStream, 3))
      expect(replayed.map((event) => event.name)).toEqual(["e2", "e3", "e4"])
      expect((yield* emulator.takeEvent()).name).toBe("e2")
    }).pipe(Effect.provide(PusherTest.layer({ maxRecorded: 3 }))))

  it.effect("holds at most the limit across thousands of events (the dropped ones are removed in bulk)", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      yield* triggerMany(3000)
      const events = yield* emulator.events
      expect(events.length).toBe(10)
      expect(events.map((event) => event.name)).toEqual(Array.from({ length: 10 }, (_, i) => `e${2990 + i}`))
    }).pipe(Effect.provide(PusherTest.layer({ maxRecorded: 10 }))))

  it.effect("keeps everything by default", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      yield* triggerMany(50)
      expect((yield* emulator.events).length).toBe(50)
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("refuses a limit that is not a positive integer, naming it", () =>
    Effect.gen(function*() {
      for (const maxRecorded of [0, -1, 1.5, Number.NaN]) {
        const made = yield* Effect.result(PusherTest.make({ maxRecorded }))
        expect(Result.isFailure(made) && String(made.failure)).toContain("maxRecorded")
      }
    }))
})
