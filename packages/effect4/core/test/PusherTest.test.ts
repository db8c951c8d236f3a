import { Pusher, PusherBatching, PusherConfig, PusherCrypto, PusherTest } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpEffect from "effect/http/HttpEffect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import PusherNode from "pusher"

const app = PusherTest.defaultApp
const masterKey = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="

/** The status of the HttpError an effect fails with (the test fails if it succeeds or fails otherwise). */
const failureStatus = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => {
    expect(error._tag).toBe("HttpError")
    return error as unknown as { readonly status: number; readonly body: string; readonly reason: string }
  })

/** Runs an operation with another client configuration against the same emulator. */
const withConfig = (options: Partial<PusherConfig.Options>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    Effect.orDie(PusherConfig.make({ ...app, ...options })),
    (config) => Effect.provideService(effect, PusherConfig.PusherConfig, config)
  )

/** Reissues the last request the emulator received, altered, and returns the status it gets. */
const replayLast = (
  alter: (request: { query: Record<string, string>; body: string }) => { query: Record<string, string>; body: string }
) =>
  Effect.gen(function*() {
    const emulator = yield* PusherTest.PusherTest
    const last = (yield* emulator.requests).at(-1)!
    const altered = alter({ query: { ...last.query }, body: last.body })
    const query = Object.entries(altered.query).map(([k, v]) => `${k}=${v}`).join("&")
    const answer = yield* emulator.handle({
      method: last.method,
      url: `${last.path}?${query}`,
      headers: last.headers,
      body: altered.body
    })
    return answer._tag === "Response" ? answer : expect.unreachable("no transport fault was queued")
  })

describe("PusherTest", () => {
  describe("operations of the Pusher module", () => {
    it.effect("trigger records one event per channel, with decoded and raw data", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const result = yield* Pusher.trigger(["a", "b"], "greet", { hello: "world" })
        expect(result).toEqual({})
        yield* Pusher.trigger("c", "text", "not { json")
        const events = yield* emulator.events
        expect(events.map((e) => [e.sequence, e.channel, e.name, e.endpoint])).toEqual([
          [0, "a", "greet", "events"],
          [1, "b", "greet", "events"],
          [2, "c", "text", "events"]
        ])
        expect(events[0]!.data).toEqual({ hello: "world" })
        expect(events[0]!.rawData).toBe("{\"hello\":\"world\"}")
        expect(events[2]!.data).toBe("not { json")
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("trigger excludes socket_id and reports info from the simulated state", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const s1 = yield* emulator.subscribe("presence-room", { user: { id: "ann" } })
        const s2 = yield* emulator.subscribe("presence-room", { user: { id: "ann" } })
        const s3 = yield* emulator.subscribe("presence-room", { user: { id: "bob", info: { name: "Bob" } } })
        yield* emulator.subscribe("plain", { socketId: s1 })
        const result = yield* Pusher.trigger(["presence-room", "plain", "empty"], "e", 1, {
          socketId: s2,
          info: ["subscription_count", "user_count"]
        })
        expect(result.channels).toEqual({
          "presence-room": { subscriptionCount: 3, userCount: 2 },
          plain: { subscriptionCount: 1 },
          empty: { subscriptionCount: 0 }
        })
        const [room, plain, empty] = yield* emulator.events
        expect(room!.recipients).toEqual([s1, s3])
        expect(room!.excludedSocketId).toBe(s2)
        expect(plain!.recipients).toEqual([s1])
        expect(empty!.recipients).toEqual([])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("triggerBatch records every event and answers info in order", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.subscribe("x")
        yield* emulator.subscribe("presence-y", { user: { id: "u" } })
        const plain = yield* Pusher.triggerBatch([{ channel: "x", name: "a", data: "1" }])
        expect(plain).toEqual({})
        const result = yield* Pusher.triggerBatch([
          { channel: "x", name: "a", data: { n: 1 }, info: ["subscription_count"] },
          { channel: "z", name: "b", data: "2" },
          { channel: "presence-y", name: "c", data: [3], info: ["user_count", "subscription_count"] }
        ])
        expect(result.batch).toEqual([{ subscriptionCount: 1 }, {}, { subscriptionCount: 1, userCount: 1 }])
        const events = yield* emulator.events
        expect(events.map((e) => [e.channel, e.name, e.data, e.endpoint])).toEqual([
          ["x", "a", 1, "batch_events"],
          ["x", "a", { n: 1 }, "batch_events"],
          ["z", "b", 2, "batch_events"],
          ["presence-y", "c", [3], "batch_events"]
        ])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("a batch follows the app's maxEventsPerBatch", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const events = Array.from({ length: 15 }, (_, i) => ({ channel: `c${i}`, name: "e", data: i }))
        yield* Pusher.triggerBatch(events)
        expect((yield* emulator.events).length).toBe(15)
        const tooMany = yield* Effect.flip(Pusher.triggerBatch([...events, ...events]))
        expect(tooMany._tag).toBe("ValidationError")
      }).pipe(Effect.provide(PusherTest.layer({ maxEventsPerBatch: 20 }))))

    it.effect("PusherBatching's batches are recorded event by event", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const alice = yield* emulator.connect({ userId: "alice" })
        yield* Effect.all([
          Pusher.trigger("a", "e", 1),
          Pusher.trigger("b", "e", 2),
          Pusher.sendToUser("alice", "e", 3)
        ], { concurrency: "unbounded" }).pipe(Effect.provide(PusherBatching.layer()))
        const events = yield* emulator.events
        expect(events.map((e) => [e.channel, e.data, e.endpoint])).toEqual([
          ["a", 1, "batch_events"],
          ["b", 2, "batch_events"],
          ["#server-to-user-alice", 3, "batch_events"]
        ])
        expect(events[2]!.recipients).toEqual([alice])
        expect((yield* emulator.requests).length).toBe(1)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("sendToUser records an event on #server-to-user-{id} for the user's connections", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const a1 = yield* emulator.connect({ userId: "alice" })
        const a2 = yield* emulator.connect({ userId: "alice" })
        yield* emulator.connect({ userId: "bob" })
        yield* Pusher.sendToUser("alice", "notice", { unread: 3 })
        const event = yield* emulator.takeEvent()
        expect(event.channel).toBe("#server-to-user-alice")
        expect(event.userId).toBe("alice")
        expect(event.recipients).toEqual([a1, a2])
        expect(event.data).toEqual({ unread: 3 })
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("terminateUserConnections closes the user's connections and records it", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const a1 = yield* emulator.connect({ userId: "alice" })
        yield* emulator.subscribe("news", { socketId: a1 })
        const other = yield* emulator.subscribe("news")
        yield* Pusher.terminateUserConnections("alice")
        yield* Pusher.terminateUserConnections("nobody")
        expect(yield* emulator.terminations).toEqual([
          { userId: "alice", socketIds: [a1], timeMillis: 0 },
          { userId: "nobody", socketIds: [], timeMillis: 0 }
        ])
        expect(yield* Pusher.channel("news", { info: ["subscription_count"] })).toEqual({
          occupied: true,
          subscriptionCount: 1
        })
        yield* emulator.disconnect(other)
        expect((yield* Pusher.channel("news")).occupied).toBe(false)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("channels lists occupied channels by prefix, with attributes", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.subscribe("presence-a", { user: { id: "1" } })
        yield* emulator.subscribe("presence-a", { user: { id: "2" } })
        const s = yield* emulator.subscribe("private-b")
        yield* emulator.subscribe("c")
        yield* emulator.unsubscribe("private-b", s)
        expect(yield* Pusher.channels()).toEqual({ channels: { "presence-a": {}, c: {} } })
        expect(yield* Pusher.channels({ filterByPrefix: "presence-", info: ["user_count", "subscription_count"] }))
          .toEqual({ channels: { "presence-a": { userCount: 2, subscriptionCount: 2 } } })
        expect(yield* Pusher.channels({ filterByPrefix: "private-" })).toEqual({ channels: {} })
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("channel reports occupied, counts and the cache", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        expect(yield* Pusher.channel("presence-r", { info: ["user_count", "subscription_count"] })).toEqual({
          occupied: false,
          userCount: 0,
          subscriptionCount: 0
        })
        yield* emulator.subscribe("presence-r", { user: { id: "u" } })
        expect(yield* Pusher.channel("presence-r", { info: ["user_count"] })).toEqual({ occupied: true, userCount: 1 })

        yield* Pusher.trigger("cache-scores", "score", { home: 1 })
        expect((yield* Pusher.channel("cache-scores", { info: ["cache"] })).cache).toEqual({
          data: "{\"home\":1}",
          ttl: 1800
        })
        yield* TestClock.adjust("1000 seconds")
        expect((yield* Pusher.channel("cache-scores", { info: ["cache"] })).cache?.ttl).toBe(800)
        yield* TestClock.adjust("800 seconds")
        expect((yield* Pusher.channel("cache-scores", { info: ["cache"] })).cache).toBeUndefined()
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("users lists the members of a presence channel, once per user", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.subscribe("presence-r", { user: { id: "u1" } })
        yield* emulator.subscribe("presence-r", { user: { id: "u2" } })
        yield* emulator.subscribe("presence-r", { user: { id: "u1" } })
        expect(yield* Pusher.users("presence-r")).toEqual([{ id: "u1" }, { id: "u2" }])
        expect(yield* Pusher.users("presence-empty")).toEqual([])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("get and post reach the same API", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.subscribe("x")
        expect(yield* Pusher.get("/channels", { info: "subscription_count" })).toEqual({
          channels: { x: { subscription_count: 1 } }
        })
        expect(yield* Pusher.post("/events", { name: "e", data: "d", channel: "x" })).toEqual({})
        expect((yield* emulator.takeEvent()).channel).toBe("x")
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("encrypted channels record the sealed data", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* Pusher.trigger("private-encrypted-secret", "e", { pin: 1234 })
        const event = yield* emulator.takeEvent()
        expect(Object.keys(event.data as object).sort()).toEqual(["ciphertext", "nonce"])
        expect(event.rawData).not.toContain("1234")
      }).pipe(Effect.provide(PusherTest.layer({ encryptionMasterKeyBase64: masterKey }))))
  })

  describe("error statuses", () => {
    it.effect("400 with a text body saying why", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const userCount = yield* failureStatus(Pusher.get("/channels", { info: "user_count" }))
        expect(userCount.status).toBe(400)
        expect(userCount.reason).toBe("BadRequest")
        expect(userCount.body).toContain("presence-")
        expect((yield* failureStatus(Pusher.get("/channels/public/users"))).status).toBe(400)
        expect((yield* failureStatus(Pusher.get("/channels/public", { info: "user_count" }))).status).toBe(400)
        const eleven = Array.from({ length: 11 }, (_, i) => ({ channel: "c", name: "e", data: String(i) }))
        expect((yield* failureStatus(Pusher.post("/batch_events", { batch: eleven }))).body).toContain("at most 10")
        const tooMany = Array.from({ length: 101 }, (_, i) => `c${i}`)
        expect((yield* failureStatus(Pusher.post("/events", { name: "e", data: "d", channels: tooMany }))).status)
          .toBe(400)
        const mixed = { name: "e", data: "d", channels: ["a", "private-encrypted-b"] }
        expect((yield* failureStatus(Pusher.post("/events", mixed))).body).toContain("private-encrypted-")
        expect((yield* failureStatus(Pusher.post("/events", { name: "e", data: "d", channel: "a b" }))).status)
          .toBe(400)
        const badSocket = { name: "e", data: "d", channel: "a", socket_id: "1.2\n" }
        expect((yield* failureStatus(Pusher.post("/events", badSocket))).body).toContain("socket_id")
        expect((yield* failureStatus(Pusher.post("/events", { name: "e", data: { o: 1 }, channel: "a" }))).body)
          .toContain("data")
        expect((yield* failureStatus(Pusher.post("/events", { name: "", data: "d", channel: "a" }))).status).toBe(400)
        expect((yield* failureStatus(Pusher.post("/events", [1]))).status).toBe(400)
        expect(yield* emulator.events).toEqual([])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("401 for a wrong secret, and nothing is recorded", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const error = yield* failureStatus(Pusher.trigger("c", "e", "d").pipe(withConfig({ secret: "wrong" })))
        expect(error.status).toBe(401)
        expect(error.reason).toBe("Unauthorized")
        expect(error.body).toContain("Invalid signature")
        expect(error.body).not.toContain(app.secret)
        expect((yield* failureStatus(Pusher.channels().pipe(withConfig({ key: "other-key" })))).body)
          .toContain("auth_key")
        expect(yield* emulator.events).toEqual([])
        expect((yield* emulator.requests).map((r) => r.status)).toEqual([401, 401])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("403 when the app is disabled or over quota (a fault)", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.failNext(PusherTest.Fault.Status({ status: 403 }))
        const error = yield* failureStatus(Pusher.trigger("c", "e", "d"))
        expect([error.status, error.reason]).toEqual([403, "Forbidden"])
        expect(error.body).toContain("quota")
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("404 for an unknown app id or path", () =>
      Effect.gen(function*() {
        const unknownApp = yield* failureStatus(Pusher.trigger("c", "e", "d").pipe(withConfig({ appId: "999" })))
        expect([unknownApp.status, unknownApp.reason]).toEqual([404, "NotFound"])
        expect((yield* failureStatus(Pusher.get("/nothing/here"))).status).toBe(404)
        expect((yield* failureStatus(Pusher.post("/channels", {}))).status).toBe(404)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("413 for event data over the limit, counted in UTF-8 bytes", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const lenient = withConfig({ maxPayloadBytes: 1_000_000 })
        const big = "é".repeat(5121) // 10,242 bytes
        const error = yield* failureStatus(Pusher.trigger("c", "e", big).pipe(lenient))
        expect([error.status, error.reason]).toEqual([413, "PayloadTooLarge"])
        expect(error.body).toContain("10242")
        const batch = [{ channel: "c", name: "ok", data: "x" }, { channel: "c", name: "big", data: big }]
        expect((yield* failureStatus(Pusher.triggerBatch(batch).pipe(lenient))).status).toBe(413)
        yield* Pusher.trigger("c", "e", "é".repeat(5120)).pipe(lenient)
        expect((yield* emulator.events).map((e) => e.rawData.length)).toEqual([5120])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("the limit follows the emulated app's maxPayloadBytes", () =>
      Effect.gen(function*() {
        yield* Pusher.trigger("c", "e", "x".repeat(20_000))
        const error = yield* failureStatus(
          Pusher.trigger("c", "e", "x".repeat(20_001)).pipe(withConfig({ maxPayloadBytes: 30_000 }))
        )
        expect(error.status).toBe(413)
      }).pipe(Effect.provide(PusherTest.layer({ maxPayloadBytes: 20_000 }))))
  })

  describe("signature checks bite", () => {
    it.effect("a timestamp more than 600 s from the emulator's clock is 401", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* TestClock.setTime(1_700_000_000_000)
        // The request arrives `seconds` after it was signed (the client's own timeout is set out of the way).
        const lateBy = (seconds: number) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
          effect.pipe(
            Effect.provideService(
              HttpClient.HttpClient,
              HttpClient.tapRequest(
                emulator.client,
                () => Effect.flatMap(Clock.currentTimeMillis, (now) => TestClock.setTime(now + seconds * 1000))
              )
            ),
            withConfig({ timeout: "1 hour" })
          )
        yield* Pusher.trigger("c", "e", "on time").pipe(lateBy(600))
        const stale = yield* failureStatus(Pusher.trigger("c", "e", "late").pipe(lateBy(601)))
        expect(stale.status).toBe(401)
        expect(stale.body).toContain("Timestamp expired")
        // A client clock running ahead is refused the same way.
        yield* Pusher.trigger("c", "e", "early but fine").pipe(lateBy(-600))
        const ahead = yield* failureStatus(Pusher.trigger("c", "e", "early").pipe(lateBy(-601)))
        expect(ahead.status).toBe(401)
        expect((yield* emulator.events).map((e) => e.data)).toEqual(["on time", "early but fine"])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("an edited body, query or signature is 401", () =>
      Effect.gen(function*() {
        yield* Pusher.trigger("c", "e", "original")
        const md5 = PusherCrypto.portable.md5Hex
        const replayed = yield* replayLast((r) => r)
        expect(replayed.status).toBe(200)

        const edited = yield* replayLast((r) => ({ ...r, body: r.body.replace("original", "forged!!") }))
        expect([edited.status, edited.body]).toEqual([401, expect.stringContaining("body_md5")])

        const rehashed = yield* replayLast((r) => {
          const body = r.body.replace("original", "forged!!")
          return { body, query: { ...r.query, body_md5: md5(body) } }
        })
        expect([rehashed.status, rehashed.body]).toEqual([401, expect.stringContaining("Invalid signature")])

        const extraParam = yield* replayLast((r) => ({ ...r, query: { ...r.query, info: "user_count" } }))
        expect(extraParam.status).toBe(401)

        const flipped = yield* replayLast((r) => ({
          ...r,
          query: { ...r.query, auth_signature: r.query.auth_signature!.replace(/^./, (c) => c === "0" ? "1" : "0") }
        }))
        expect(flipped.status).toBe(401)

        const unsigned = yield* replayLast((r) => {
          const { auth_signature: _, ...query } = r.query
          return { ...r, query }
        })
        expect(unsigned.status).toBe(401)

        const noMd5 = yield* replayLast((r) => {
          const { body_md5: _, ...query } = r.query
          return { ...r, query }
        })
        expect(noMd5.status).toBe(401)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("accepts pusher@5.3.4's signing, and refuses it when the clocks disagree", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const node = new PusherNode({ appId: app.appId, key: app.key, secret: app.secret, host: "localhost" })
        const body = JSON.stringify({ name: "e", data: "from node", channels: ["c"] })
        const path = `/apps/${app.appId}/events`
        const request = () => ({
          method: "POST",
          url: `${path}?${node.createSignedQueryString({ method: "POST", path, body })}`,
          headers: { "content-type": "application/json" },
          body
        })
        const stale = yield* emulator.handle(request()) // the TestClock is at 0, node's clock is not
        expect(stale._tag === "Response" && stale.status).toBe(401)
        yield* TestClock.setTime(Date.now())
        const fresh = yield* emulator.handle(request())
        expect(fresh._tag === "Response" && fresh.status).toBe(200)
        expect((yield* emulator.takeEvent()).data).toBe("from node")
      }).pipe(Effect.provide(PusherTest.layer())))
  })

  describe("recording", () => {
    it.effect("takeEvent waits for a matching event and hands each one out once", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        const waiting = yield* Effect.forkChild(emulator.takeEvent({ channel: "b", name: "second" }))
        yield* Pusher.trigger("a", "first", 1)
        yield* Pusher.trigger("b", "first", 2)
        yield* Pusher.trigger("b", "second", 3)
        expect((yield* Fiber.join(waiting)).data).toBe(3)
        expect((yield* emulator.takeEvent((e) => e.channel === "b")).data).toBe(2)
        expect((yield* emulator.takeEvent()).data).toBe(1)
        const none = yield* emulator.takeEvent().pipe(Effect.timeout("1 second"), Effect.forkChild)
        yield* TestClock.adjust("1 second")
        expect((yield* Effect.flip(Fiber.join(none)))._tag).toBe("TimeoutError")
        expect((yield* emulator.events).length).toBe(3)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("eventStream replays what was recorded, then follows", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* Pusher.trigger("a", "e", 1)
        const collected = yield* emulator.eventStream.pipe(Stream.take(3), Stream.runCollect, Effect.forkChild)
        yield* Pusher.triggerBatch([{ channel: "a", name: "e", data: 2 }, { channel: "a", name: "e", data: 3 }])
        yield* Pusher.trigger("a", "e", 4)
        expect((yield* Fiber.join(collected)).map((e) => e.data)).toEqual([1, 2, 3])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("the request log and reset", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.subscribe("x")
        yield* Pusher.trigger("x", "e", "d")
        yield* Effect.flip(Pusher.get("/channels", { info: "user_count" }))
        const [trigger, channels] = yield* emulator.requests
        expect(trigger!.method).toBe("POST")
        expect(trigger!.path).toBe(`/apps/${app.appId}/events`)
        expect(trigger!.query.auth_key).toBe(app.key)
        expect(trigger!.headers["x-pusher-library"]).toMatch(/^effect-pusher /)
        expect(trigger!.status).toBe(200)
        expect(channels!.query.info).toBe("user_count")
        expect(channels!.status).toBe(400)
        yield* emulator.failNext(PusherTest.Fault.Status({ status: 500 }))
        yield* emulator.reset
        expect(yield* emulator.requests).toEqual([])
        expect(yield* emulator.events).toEqual([])
        expect(yield* emulator.webhooks).toEqual([])
        expect(yield* Pusher.channels()).toEqual({ channels: {} })
        yield* Pusher.trigger("x", "e", "after")
        expect((yield* emulator.takeEvent()).sequence).toBe(1)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("simulated clients are validated", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        expect((yield* Effect.flip(emulator.subscribe("presence-x"))).field).toBe("options.user")
        expect((yield* Effect.flip(emulator.subscribe("x", { user: { id: "u" } }))).field).toBe("options.user")
        expect((yield* Effect.flip(emulator.subscribe("bad name"))).field).toBe("channel")
        expect((yield* Effect.flip(emulator.subscribe("x", { socketId: "nope" }))).field).toBe("socketId")
        const s = yield* emulator.connect({ userId: "u" })
        expect((yield* Effect.flip(emulator.connect({ socketId: s, userId: "v" }))).field).toBe("socketId")
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("simulated clients' inputs are read once; one that throws when read is a ValidationError", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        // A user id that is valid on its first read only: the member joins with the id that was checked.
        let reads = 0
        const user = {
          get id() {
            reads++
            return reads === 1 ? "ann" : "not a valid id"
          }
        }
        yield* emulator.subscribe("presence-r", { user })
        expect(reads).toBe(1)
        expect(yield* Pusher.users("presence-r")).toEqual([{ id: "ann" }])
        const throwing = {
          get socketId(): string {
            throw new Error("boom")
          }
        }
        const error = yield* Effect.flip(emulator.connect(throwing))
        expect([error._tag, error.field]).toEqual(["ValidationError", "input"])
        expect((yield* Effect.flip(emulator.subscribe("x", throwing))).field).toBe("input")
        const event = {
          channel: "private-x",
          event: "client-e",
          data: 1,
          get socketId(): string {
            throw new Error("boom")
          }
        }
        expect((yield* Effect.flip(emulator.injectClientEvent(event))).field).toBe("input")
      }).pipe(Effect.provide(PusherTest.layer())))
  })

  describe("faults", () => {
    it.effect("Transport makes the client fail with a TransportError", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.failNext(PusherTest.Fault.Transport({}), 2)
        const first = yield* Effect.flip(Pusher.trigger("c", "e", "d"))
        expect(first._tag === "TransportError" && first.reason).toBe("Network")
        expect((yield* Effect.flip(Pusher.channels()))._tag).toBe("TransportError")
        yield* Pusher.trigger("c", "e", "third")
        expect((yield* emulator.events).map((e) => e.data)).toEqual(["third"])
        expect((yield* emulator.requests).map((r) => r.status)).toEqual([undefined, undefined, 200])
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("Delay holds the answer on the Clock, so timeouts can be tested", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.failNext(PusherTest.Fault.Delay({ duration: "30 seconds" }))
        const slow = yield* Effect.forkChild(Pusher.trigger("c", "e", "slow"))
        yield* TestClock.adjust("10 seconds")
        const error = yield* Effect.flip(Fiber.join(slow))
        expect(error._tag === "TransportError" && error.reason).toBe("Timeout")
        expect(yield* emulator.events).toEqual([])

        yield* emulator.failNext(PusherTest.Fault.Delay({ duration: "2 seconds" }))
        const late = yield* Effect.forkChild(Pusher.trigger("c", "e", "late"))
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(late)
        expect((yield* emulator.takeEvent()).timeMillis).toBe(12_000)
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("MalformedBody makes the client fail with a DecodeError", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.failNext(PusherTest.Fault.MalformedBody({}))
        expect((yield* Effect.flip(Pusher.channels()))._tag).toBe("DecodeError")
        yield* emulator.failNext(PusherTest.Fault.MalformedBody({ body: "{\"channels\":[]}" }))
        expect((yield* Effect.flip(Pusher.channels()))._tag).toBe("DecodeError")
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("Status faults answer with any error status, in queue order", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.failNext(PusherTest.Fault.Status({ status: 429, body: "slow down" }))
        yield* emulator.failNext(PusherTest.Fault.Status({ status: 502 }))
        const first = yield* failureStatus(Pusher.channels())
        expect([first.status, first.body, first.reason]).toEqual([429, "slow down", "TooManyRequests"])
        expect((yield* failureStatus(Pusher.channels())).status).toBe(502)
        expect(yield* Pusher.channels()).toEqual({ channels: {} })
        expect((yield* Effect.flip(emulator.failNext(PusherTest.Fault.Status({ status: 200 })))).field)
          .toBe("fault.status")
        expect((yield* Effect.flip(emulator.failNext(PusherTest.Fault.Transport({}), 0))).field).toBe("times")
      }).pipe(Effect.provide(PusherTest.layer())))

    it.effect("a user's retry policy can be tested against transient faults", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.failNext(PusherTest.Fault.Status({ status: 503 }), 2)
        yield* Pusher.trigger("c", "e", "eventually").pipe(Effect.retry({ times: 2 }))
        expect((yield* emulator.requests).map((r) => r.status)).toEqual([503, 503, 200])
      }).pipe(Effect.provide(PusherTest.layer())))
  })

  describe("httpApp", () => {
    // The portable HTTP app, run by a web handler (no Node server): the same checks over a real HTTP exchange.
    it.live("serves the same emulator through HttpEffect.toWebHandler", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.make()
        const handler = HttpEffect.toWebHandler(emulator.httpApp)
        const client = HttpClient.make((request, url) =>
          Effect.tryPromise({
            try: () =>
              handler(
                new Request(url, {
                  method: request.method,
                  headers: request.headers,
                  ...(request.body._tag === "Uint8Array" ? { body: request.body.body as Uint8Array<ArrayBuffer> } : {})
                })
              ),
            catch: (cause) =>
              new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
          }).pipe(Effect.map((response) => HttpClientResponse.fromWeb(request, response)))
        )
        const layer = Layer.merge(
          Layer.succeed(HttpClient.HttpClient, client),
          Layer.succeed(PusherConfig.PusherConfig, emulator.config)
        )
        yield* emulator.subscribe("presence-web", { user: { id: "w" } })
        const result = yield* Pusher.trigger("presence-web", "e", { via: "web" }, { info: ["user_count"] }).pipe(
          Effect.provide(layer)
        )
        expect(result.channels).toEqual({ "presence-web": { userCount: 1 } })
        expect((yield* emulator.takeEvent()).data).toEqual({ via: "web" })
        const denied = yield* failureStatus(
          Pusher.trigger("c", "e", "d").pipe(withConfig({ secret: "nope" }), Effect.provide(layer))
        )
        expect(denied.status).toBe(401)
        yield* emulator.failNext(PusherTest.Fault.Transport({}))
        const response = yield* client.execute(HttpClientRequest.get("http://emulator/apps/1/channels"))
        expect(response.status).toBe(502)
      }))
  })
})
