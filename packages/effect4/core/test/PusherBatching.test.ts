import { Pusher, PusherBatching, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/testing/TestClock"
import { createHash } from "node:crypto"
import nacl from "tweetnacl"

import { config, events, makeServer, withBatching } from "./utils/batchingServer.js"

describe("PusherBatching", () => {
  it.effect("a service only comes from the layer: a forged one does not type-check", () =>
    Effect.gen(function*() {
      const stats = { requests: 0, events: 0, isolated: 0 }
      // @ts-expect-error a PusherBatching.Service is opaque: `{ stats }` is not one
      const forged: PusherBatching.Service = { stats }
      // Had it type-checked, it would be ignored rather than break triggers: its stats read as none.
      const seen = yield* PusherBatching.stats.pipe(
        Effect.provide(Layer.succeed(PusherBatching.PusherBatching, Option.some(forged)))
      )
      expect(seen).toEqual(stats)
    }))

  it.effect("sends concurrent single-channel triggers as batches of at most 10", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      const results = yield* Effect.forEach(
        Array.from({ length: 25 }, (_, i) => i),
        (i) => Pusher.trigger(`channel-${i}`, "event", { i }),
        { concurrency: "unbounded" }
      )
      expect(results).toEqual(Array.from({ length: 25 }, () => ({})))
      expect(server.sent.map((s) => s.path)).toEqual([
        "/apps/1/batch_events",
        "/apps/1/batch_events",
        "/apps/1/batch_events"
      ])
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([10, 10, 5])
      expect(events(server).map((e) => e.channel)).toEqual(Array.from({ length: 25 }, (_, i) => `channel-${i}`))
      expect(events(server)[3]).toEqual({ channel: "channel-3", name: "event", data: "{\"i\":3}" })
      expect(yield* PusherBatching.stats).toEqual({ requests: 3, events: 25, isolated: 0 })
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("changes nothing without the layer", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      yield* Effect.forEach([1, 2, 3], (i) => Pusher.trigger(`c${i}`, "e", i), { concurrency: "unbounded" })
      expect(server.sent.map((s) => s.path)).toEqual(["/apps/1/events", "/apps/1/events", "/apps/1/events"])
      expect(yield* PusherBatching.stats).toEqual({ requests: 0, events: 0, isolated: 0 })
    }).pipe(Effect.provide(Layer.merge(config, server.client)))
  })

  it.effect("respects maxBatch", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      yield* Effect.forEach([1, 2, 3, 4, 5], (i) => Pusher.trigger(`c${i}`, "e", i), { concurrency: "unbounded" })
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([2, 2, 1])
    }).pipe(Effect.provide(withBatching(server, { maxBatch: 2 })))
  })

  it.effect("plans batches with the config's maxEventsPerBatch, which also bounds maxBatch", () => {
    const server = makeServer()
    const dedicated = PusherConfig.layer({ appId: 1, key: "key", secret: "secret", maxEventsPerBatch: 15 })
    const batching = (options?: PusherBatching.Options) =>
      PusherBatching.layer(options).pipe(Layer.provideMerge(Layer.merge(dedicated, server.client)))
    const twenty = Array.from({ length: 20 }, (_, i) => i)
    return Effect.gen(function*() {
      yield* Effect.forEach(twenty, (i) => Pusher.trigger(`c${i}`, "e", i), { concurrency: "unbounded" }).pipe(
        Effect.provide(batching())
      )
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([15, 5])
      server.sent.length = 0
      yield* Effect.forEach(twenty, (i) => Pusher.trigger(`c${i}`, "e", i), { concurrency: "unbounded" }).pipe(
        Effect.provide(batching({ maxBatch: 12 }))
      )
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([12, 8])
      const exit = yield* Effect.exit(Layer.build(batching({ maxBatch: 16 })).pipe(Effect.scoped))
      assert(Exit.isFailure(exit))
      expect(JSON.stringify(exit.cause)).toContain("from 1 to 15")
    })
  })

  it.effect("rejects bad options with a ValidationError", () =>
    Effect.gen(function*() {
      const server = makeServer()
      for (const options of [{ maxBatch: 11 }, { maxBatch: 0 }, { maxInFlight: 0 }, { maxBatch: 1.5 }]) {
        const exit = yield* Effect.exit(Layer.build(withBatching(server, options)).pipe(Effect.scoped))
        assert(Exit.isFailure(exit))
        expect(JSON.stringify(exit.cause)).toContain("ValidationError")
      }
    }))

  it.live("keeps the order of a channel's events across batches, never two of its batches in flight", () => {
    const server = makeServer(() => ({ delay: "5 millis" }))
    return Effect.gen(function*() {
      yield* Effect.forEach(
        Array.from({ length: 35 }, (_, i) => i),
        (i) => Pusher.trigger(i % 2 === 0 ? "even" : "odd", "e", i),
        { concurrency: "unbounded" }
      )
      const seen = events(server)
      expect(seen.filter((e) => e.channel === "even").map((e) => Number(e.data))).toEqual(
        Array.from({ length: 18 }, (_, i) => i * 2)
      )
      expect(seen.filter((e) => e.channel === "odd").map((e) => Number(e.data))).toEqual(
        Array.from({ length: 17 }, (_, i) => i * 2 + 1)
      )
      // Each batch may hold both channels, so one batch at a time is in flight here.
      expect(server.stats.maxInFlight).toBe(1)
      expect(server.sent.every((s) => s.body.batch!.length <= 10)).toBe(true)
    }).pipe(Effect.provide(withBatching(server, { ordering: "perChannel" })))
  })

  it.live("unordered by default: a channel's batches go out at once, as many as maxInFlight allows", () => {
    const server = makeServer(() => ({ delay: "5 millis" }))
    return Effect.gen(function*() {
      yield* Effect.forEach(
        Array.from({ length: 35 }, (_, i) => i),
        (i) => Pusher.trigger(i % 2 === 0 ? "even" : "odd", "e", i),
        { concurrency: "unbounded" }
      )
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([10, 10, 10, 5])
      expect(server.stats.maxInFlight).toBe(4)
      expect(events(server).map((e) => Number(e.data)).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 35 }, (_, i) => i)
      )
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.live("bounds the batches in flight", () => {
    const server = makeServer(() => ({ delay: "10 millis" }))
    return Effect.gen(function*() {
      yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => Pusher.trigger(`c${i}`, "e", i),
        { concurrency: "unbounded" }
      )
      expect(server.sent.length).toBe(20)
      expect(server.stats.maxInFlight).toBe(3)
    }).pipe(Effect.provide(withBatching(server, { maxInFlight: 3 })))
  })

  it.effect("reports info per event", () => {
    const server = makeServer((sent) => ({
      body: JSON.stringify({
        batch: sent.body.batch!.map((e) => e.info === undefined ? {} : { subscription_count: e.channel.length })
      })
    }))
    return Effect.gen(function*() {
      const [a, b] = yield* Effect.all([
        Pusher.trigger("abc", "e", 1, { info: ["subscription_count"] }),
        Pusher.trigger("abcdef", "e", 2)
      ], { concurrency: "unbounded" })
      expect(a).toEqual({ channels: { abc: { subscriptionCount: 3 } } })
      expect(b).toEqual({})
      expect(events(server)).toEqual([
        { channel: "abc", name: "e", data: "1", info: "subscription_count" },
        { channel: "abcdef", name: "e", data: "2" }
      ])
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("passes socketId per event", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      yield* Effect.all([
        Pusher.trigger("a", "e", 1, { socketId: "1.2" }),
        Pusher.trigger("b", "e", 2)
      ], { concurrency: "unbounded" })
      expect(events(server)).toEqual([
        { channel: "a", name: "e", data: "1", socket_id: "1.2" },
        { channel: "b", name: "e", data: "2" }
      ])
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("validates before queueing: one bad event never poisons a batch", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      const results = yield* Effect.all([
        Effect.result(Pusher.trigger("good-1", "e", 1)),
        Effect.result(Pusher.trigger("bad channel", "e", 2)),
        Effect.result(Pusher.trigger("good-2", "e", "x".repeat(10_241)))
      ], { concurrency: "unbounded" })
      expect(results[0]._tag).toBe("Success")
      assert(Result.isFailure(results[1]) && results[1].failure._tag === "ValidationError")
      expect(results[1].failure.field).toBe("channel")
      assert(Result.isFailure(results[2]) && results[2].failure._tag === "ValidationError")
      expect(results[2].failure.field).toBe("data")
      expect(server.sent.length).toBe(1)
      expect(events(server).map((e) => e.channel)).toEqual(["good-1"])
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("isolates the culprit when the server refuses a whole batch with 400", () => {
    const server = makeServer((sent) =>
      sent.body.batch!.some((e) => e.name === "poison")
        ? { status: 400, body: "Invalid event in batch" }
        : {}
    )
    return Effect.gen(function*() {
      const results = yield* Effect.all([
        Effect.result(Pusher.trigger("a", "ok", 1)),
        Effect.result(Pusher.trigger("b", "poison", 2)),
        Effect.result(Pusher.trigger("c", "ok", 3))
      ], { concurrency: "unbounded" })
      expect(results.map((r) => r._tag)).toEqual(["Success", "Failure", "Success"])
      assert(Result.isFailure(results[1]) && results[1].failure._tag === "HttpError")
      expect(results[1].failure.status).toBe(400)
      expect(results[1].failure.body).toBe("Invalid event in batch")
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([3, 1, 1, 1])
      expect(yield* PusherBatching.stats).toEqual({ requests: 4, events: 6, isolated: 1 })
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.live("resends a refused batch one event at a time, in queue order, within maxInFlight", () => {
    const server = makeServer((sent) =>
      sent.body.batch!.length > 1 && sent.body.batch!.some((e) => e.name === "poison")
        ? { status: 413, body: "too large" }
        : sent.body.batch!.some((e) => e.name === "poison")
        ? { status: 413, body: "too large", delay: "2 millis" }
        : { delay: "2 millis" }
    )
    return Effect.gen(function*() {
      const names = ["a1", "poison", "a2", "a3"]
      const results = yield* Effect.forEach(names, (name) => Effect.result(Pusher.trigger("same", name, 1)), {
        concurrency: "unbounded"
      })
      expect(results.map((r) => r._tag)).toEqual(["Success", "Failure", "Success", "Success"])
      // The refused batch, then each event alone, in the order the callers queued them.
      expect(server.sent.map((s) => s.body.batch!.map((e) => e.name))).toEqual([names, ["a1"], ["poison"], ["a2"], [
        "a3"
      ]])
      expect(server.stats.maxInFlight).toBe(1)
    }).pipe(Effect.provide(withBatching(server, { maxInFlight: 1 })))
  })

  it.effect("resumes every caller when the client dies", () => {
    const dying = Layer.succeed(HttpClient.HttpClient, HttpClient.make(() => Effect.die(new Error("client bug"))))
    return Effect.gen(function*() {
      const exits = yield* Effect.all([
        Effect.exit(Pusher.trigger("a", "e", 1)),
        Effect.exit(Pusher.trigger("b", "e", 2))
      ], { concurrency: "unbounded" })
      for (const exit of exits) {
        assert(Exit.isFailure(exit))
        expect(Cause.hasDies(exit.cause)).toBe(true)
      }
    }).pipe(Effect.provide(PusherBatching.layer().pipe(Layer.provideMerge(Layer.merge(config, dying)))))
  })

  it.effect("sends a full batch at once, without waiting for maxWait", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      // Forked from the test's fiber (a fork inside a concurrent `forEach` would end with its worker).
      const first = yield* Effect.forEach(
        Array.from({ length: 10 }, (_, i) => i),
        (i) => Effect.forkChild(Pusher.trigger(`c${i}`, "e", i))
      )
      // Ten are waiting: they leave without the clock moving.
      for (const fiber of first) yield* Fiber.join(fiber)
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([10])
      // One alone waits for maxWait.
      const last = yield* Effect.forkChild(Pusher.trigger("last", "e", 10))
      yield* Effect.yieldNow
      expect(server.sent.length).toBe(1)
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(last)
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([10, 1])
    }).pipe(Effect.provide(withBatching(server, { maxWait: "5 seconds" })))
  })

  it.effect("fails every event of a batch with the same error on a 5xx", () => {
    const server = makeServer(() => ({ status: 503, body: "down" }))
    return Effect.gen(function*() {
      const results = yield* Effect.all([
        Effect.result(Pusher.trigger("a", "e", 1)),
        Effect.result(Pusher.trigger("b", "e", 2))
      ], { concurrency: "unbounded" })
      for (const result of results) {
        assert(Result.isFailure(result) && result.failure._tag === "HttpError")
        expect(result.failure.reason).toBe("ServerError")
      }
      expect(server.sent.length).toBe(1)
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("drops an interrupted caller's event that has not been sent", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      const a = yield* Effect.forkChild(Pusher.trigger("a", "e", 1))
      const b = yield* Effect.forkChild(Pusher.trigger("b", "e", 2))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(a)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(b)
      expect(events(server).map((e) => e.channel)).toEqual(["b"])
    }).pipe(Effect.provide(withBatching(server, { maxWait: "1 second" })))
  })

  it.effect("drops a queued event whose caller gave up with Effect.timeout (the caller's fiber ended)", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      const a = yield* Effect.forkChild(Effect.timeout(Pusher.trigger("a", "e", 1), "10 millis"))
      const b = yield* Effect.forkChild(Pusher.trigger("b", "e", 2))
      yield* TestClock.adjust("20 millis")
      const gaveUp = yield* Fiber.await(a)
      expect(Exit.isFailure(gaveUp)).toBe(true)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(b)
      expect(events(server).map((e) => e.channel)).toEqual(["b"])
    }).pipe(Effect.provide(withBatching(server, { maxWait: "1 second" })))
  })

  it.effect("waits maxWait for a burst to grow", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      const first = yield* Effect.forkChild(Pusher.trigger("a", "e", 1))
      yield* TestClock.adjust("50 millis")
      expect(server.sent.length).toBe(0)
      const second = yield* Effect.forkChild(Pusher.trigger("b", "e", 2))
      yield* TestClock.adjust("50 millis")
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(server.sent.map((s) => s.body.batch!.length)).toEqual([2])
    }).pipe(Effect.provide(withBatching(server, { maxWait: "100 millis" })))
  })

  it.effect("drains the queue when the layer is released", () =>
    Effect.gen(function*() {
      const server = makeServer()
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(withBatching(server, { maxWait: "5 seconds" }), scope)
      const fibers = yield* Effect.forEach(
        [1, 2, 3],
        (i) => Effect.forkChild(Effect.provide(Pusher.trigger(`c${i}`, "e", i), context))
      )
      yield* Effect.yieldNow
      expect(server.sent.length).toBe(0)
      yield* Scope.close(scope, Exit.void)
      expect(server.sent.length).toBe(1)
      expect(events(server).map((e) => e.channel)).toEqual(["c1", "c2", "c3"])
      for (const fiber of fibers) expect(yield* Fiber.join(fiber)).toEqual({})
    }))

  it.effect("leaves multi-channel triggers and triggerBatch alone, batches sendToUser", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      yield* Effect.all([
        Pusher.trigger(["a", "b"], "e", 1),
        Pusher.triggerBatch([{ channel: "c", name: "e", data: 2 }]),
        Pusher.sendToUser("ada", "hello", { hi: true }),
        Pusher.trigger("d", "e", 3)
      ], { concurrency: "unbounded" })
      const paths = server.sent.map((s) => s.path).sort()
      expect(paths).toEqual(["/apps/1/batch_events", "/apps/1/batch_events", "/apps/1/events"])
      const auto = server.sent.find((s) => s.body.batch?.length === 2)!
      expect(auto.body.batch).toEqual([
        { channel: "#server-to-user-ada", name: "hello", data: "{\"hi\":true}" },
        { channel: "d", name: "e", data: "3" }
      ])
    }).pipe(Effect.provide(withBatching(server)))
  })

  it.effect("seals each encrypted event on its own", () => {
    const masterKey = new Uint8Array(32).fill(7)
    const server = makeServer()
    const layer = PusherBatching.layer().pipe(
      Layer.provideMerge(Layer.mergeAll(
        PusherConfig.layer({
          appId: 1,
          key: "key",
          secret: "secret",
          encryptionMasterKeyBase64: btoa(String.fromCharCode(...masterKey))
        }),
        server.client
      ))
    )
    return Effect.gen(function*() {
      yield* Effect.all([
        Pusher.trigger("private-encrypted-a", "e", { n: 1 }),
        Pusher.trigger("private-encrypted-b", "e", "two")
      ], { concurrency: "unbounded" })
      expect(server.sent.length).toBe(1)
      const opened = events(server).map((e) => {
        const { ciphertext, nonce } = JSON.parse(e.data)
        const key = createHash("sha256").update(e.channel).update(masterKey).digest()
        const plain = nacl.secretbox.open(
          Uint8Array.from(atob(ciphertext), (c) => c.charCodeAt(0)),
          Uint8Array.from(atob(nonce), (c) => c.charCodeAt(0)),
          key
        )
        return JSON.parse(new TextDecoder().decode(plain!))
      })
      expect(opened).toEqual([{ n: 1 }, "two"])
    }).pipe(Effect.provide(layer), Effect.provide(PusherCrypto.layer(PusherCrypto.portable)))
  })

  it.effect("bypasses the batcher under another config", () => {
    const server = makeServer()
    return Effect.gen(function*() {
      yield* Pusher.trigger("a", "e", 1).pipe(
        Effect.provide(PusherConfig.layer({ appId: 2, key: "other", secret: "other" }))
      )
      expect(server.sent.map((s) => s.path)).toEqual(["/apps/2/events"])
    }).pipe(Effect.provide(withBatching(server)))
  })
})
