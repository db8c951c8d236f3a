import { Pusher, PusherBatching, PusherConfig } from "@effect-pusher/core"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { events, inversions, makeServer, waitFor, withBatching } from "./utils/batchingServer.js"

// Issue 13 point 3: every caller's wait is bounded by its own call's timeout, the default mode keeps as many
// batches in flight as allowed, and a released layer keeps order or fails with a typed error.

const timeout300 = PusherConfig.layer({ appId: 1, key: "key", secret: "secret", timeout: "300 millis" })

/** A server that never answers (within any test). */
const silent = () => makeServer(() => ({ delay: "1 day" }))

const outcome = (exit: Exit.Exit<unknown, { readonly _tag: string; readonly reason?: string }>) => {
  if (Exit.isSuccess(exit)) return "ok"
  if (Exit.hasInterrupts(exit)) return "interrupted"
  const text = JSON.stringify(exit.cause)
  return text.includes("\"Timeout\"") ? "Timeout" : text
}

describe("PusherBatching: bounded waits", () => {
  for (const ordering of ["unordered", "perChannel"] as const) {
    it.effect(`${ordering}: a server that never answers fails each caller at its own deadline`, () => {
      const server = silent()
      return Effect.gen(function*() {
        // 100 callers on one channel with one request in flight: 9 batches wait behind the first.
        // Forked one after the other from the test's fiber: a fiber forked inside a concurrent `forEach` is its
        // worker's child, and Effect 4 interrupts it when the worker ends.
        const early = yield* Effect.forEach(
          Array.from({ length: 100 }, (_, i) => i),
          (i) => Effect.forkChild(Effect.exit(Pusher.trigger("hot", "e", i)))
        )
        yield* TestClock.adjust("150 millis")
        const late = yield* Effect.forEach(
          Array.from({ length: 20 }, (_, i) => i),
          (i) => Effect.forkChild(Effect.exit(Pusher.trigger("hot", "e", 100 + i)))
        )
        yield* TestClock.adjust("149 millis")
        expect([...early, ...late].filter((fiber) => fiber.pollUnsafe() !== undefined)).toHaveLength(0)
        // At 300 ms: every early caller has failed with a Timeout, queued or in flight; no late one yet.
        yield* TestClock.adjust("1 millis")
        for (const fiber of early) expect(outcome(yield* Fiber.join(fiber))).toBe("Timeout")
        expect(late.filter((fiber) => fiber.pollUnsafe() !== undefined)).toHaveLength(0)
        // At 450 ms (150 + 300): the late ones.
        yield* TestClock.adjust("150 millis")
        for (const fiber of late) expect(outcome(yield* Fiber.join(fiber))).toBe("Timeout")
        // Events still queued at their deadline were never sent: at most the request in flight at 300 ms
        // followed the first.
        expect(server.sent.length).toBeLessThanOrEqual(2)
        // Let the last request time out, so that releasing the layer need not wait for it.
        yield* TestClock.adjust("1 second")
      }).pipe(Effect.provide(withBatching(server, { maxInFlight: 1, ordering }, timeout300)))
    })
  }

  it.effect("the caller of an event in flight is told it timed out", () => {
    const server = silent()
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.result(Pusher.trigger("a", "e", 1)))
      yield* waitFor(() => server.sent.length === 1)
      yield* TestClock.adjust("300 millis")
      const result = yield* Fiber.join(fiber)
      assert(Result.isFailure(result) && result.failure._tag === "TransportError")
      expect(result.failure.reason).toBe("Timeout")
      expect(server.sent).toHaveLength(1)
    }).pipe(Effect.provide(withBatching(server, {}, timeout300)))
  })

  it.effect("unordered: as many batches of a hot channel in flight as maxInFlight allows", () => {
    const server = makeServer(() => ({ delay: "200 millis" }))
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Effect.forEach(
        Array.from({ length: 1000 }, (_, i) => i),
        (i) => Pusher.trigger("hot", "e", i),
        { concurrency: "unbounded", discard: true }
      ))
      // 1,000 callers on one channel: 100 batches, 64 at once, so two round trips (not 100).
      yield* waitFor(() => server.stats.inFlight === 64)
      yield* TestClock.adjust("400 millis")
      yield* Fiber.join(fiber)
      expect(server.sent).toHaveLength(100)
      expect(server.stats.maxInFlight).toBe(64)
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("fills each batch with events of up to 10 different channels", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      // 400 triggers over 64 channels in a random mix, at concurrency 100.
      const channelOf = (i: number) => `c${(i * 37 + 11) % 64}`
      yield* Effect.forEach(
        Array.from({ length: 400 }, (_, i) => i),
        (i) => Pusher.trigger(channelOf(i), "e", i),
        { concurrency: 100, discard: true }
      )
      expect(events(server)).toHaveLength(400)
      expect(server.sent.length).toBeLessThanOrEqual(400 / 8)
      expect(new Set(server.sent[0]!.body.batch!.map((e) => e.channel)).size).toBe(10)
    }).pipe(Effect.provide(withBatching(server)))
  })
})

describe("PusherBatching: after release", () => {
  it.effect("a trigger after the layer is released fails with TransportError Closed, unsent", () =>
    Effect.gen(function*() {
      const server = makeServer()
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(withBatching(server), scope)
      yield* Scope.close(scope, Exit.void)
      const result = yield* Effect.result(Effect.provide(Pusher.trigger("a", "e", 1), context))
      assert(Result.isFailure(result) && result.failure._tag === "TransportError")
      expect(result.failure.reason).toBe("Closed")
      expect(server.sent).toHaveLength(0)
    }))

  it.live("3,000 triggers, released mid-way: 0 order inversions in ordered mode, each sent or Closed", () =>
    Effect.gen(function*() {
      // The server answers after a random 0-2 ms: batches complete out of order.
      const server = makeServer(() => ({ delay: `${Math.floor(Math.random() * 3)} millis` }))
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(withBatching(server, { ordering: "perChannel" }), scope)
      const channelOf = (i: number) => `c${(i * 7 + 3) % 8}`
      const fibers: Array<Fiber.Fiber<Exit.Exit<unknown, { readonly _tag: string }>>> = []
      let releasing: Fiber.Fiber<void> | undefined
      for (let i = 0; i < 3000; i++) {
        fibers.push(yield* Effect.forkChild(Effect.exit(Effect.provide(Pusher.trigger(channelOf(i), "e", i), context))))
        if (i % 50 === 49) yield* Effect.sleep("1 millis")
        if (i === 1500) releasing = yield* Effect.forkChild(Scope.close(scope, Exit.void))
        // By then the layer is released: the last 500 are refused.
        if (i === 2500) yield* Fiber.join(releasing!)
      }
      const outcomes = new Map<string, number>()
      const succeeded = new Set<number>()
      for (let i = 0; i < fibers.length; i++) {
        const exit = yield* Fiber.join(fibers[i]!)
        const kind = Exit.isSuccess(exit)
          ? "ok"
          : JSON.stringify(exit.cause).includes("\"Closed\"")
          ? "Closed"
          : "other"
        if (kind === "ok") succeeded.add(i)
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1)
      }
      const seen = events(server).map((e) => ({ channel: e.channel, i: Number(e.data) }))
      expect(inversions(seen)).toBe(0)
      expect(outcomes.get("other") ?? 0).toBe(0)
      // Every caller told it succeeded was delivered, exactly once; nothing refused as Closed was sent.
      expect(seen.length).toBe(new Set(seen.map((e) => e.i)).size)
      expect(seen.map((e) => e.i).sort((a, b) => a - b)).toEqual([...succeeded].sort((a, b) => a - b))
      expect(outcomes.get("ok")).toBeGreaterThan(1500)
      expect(outcomes.get("Closed")).toBeGreaterThanOrEqual(499)
    }))
})

describe("PusherBatching: options", () => {
  it.effect("bad option bags fail the layer with a ValidationError naming the option, never die", () =>
    Effect.gen(function*() {
      const server = makeServer()
      const throwing = new Proxy({}, {
        get: () => {
          throw new Error("boom")
        }
      })
      const cases: ReadonlyArray<readonly [unknown, string]> = [
        [null, "options"],
        ["banana", "options"],
        [throwing, "options"],
        [{ ordering: "sorted" }, "ordering"],
        [{ maxWait: "banana" }, "maxWait"],
        [{ maxWait: Infinity }, "maxWait"],
        [{ maxInFlight: -1 }, "maxInFlight"],
        // A misspelled or foreign key is never ignored.
        [{ maxbatch: 5 }, "options.maxbatch"],
        [{ batchSize: 5 }, "options.batchSize"],
        // Not shorter than the config's timeout (300 ms).
        [{ maxWait: "300 millis" }, "maxWait"]
      ]
      for (const [options, field] of cases) {
        const layer = PusherBatching.layer(options as PusherBatching.Options).pipe(
          Layer.provideMerge(Layer.merge(timeout300, server.client))
        )
        const exit = yield* Effect.exit(Layer.build(layer).pipe(Effect.scoped))
        assert(Exit.isFailure(exit))
        const error = exit.cause
        expect(JSON.stringify(error)).toContain("ValidationError")
        expect(JSON.stringify(error)).toContain(`"field":"${field}"`)
      }
    }))
})
