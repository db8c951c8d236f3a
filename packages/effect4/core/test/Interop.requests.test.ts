/**
 * Issue 12, side by side with pusher@5.3.4 (points 1, 4, 5 and 8): for the way a migrating user writes a
 * call, both libraries send the same method, path, query and body — or effect-pusher fails with a typed
 * error that names the key (and its replacement) where pusher would silently drop it.
 */
import { Pusher, PusherConfig, PusherError, PusherTest } from "@effect-pusher/core"
import * as Query from "@effect-pusher/protocol/Query"
import { afterAll, describe, expect, it, vi } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as fc from "fast-check"
import type PusherNode from "pusher"
import { officialServer, type Received } from "./utils/officialServer.js"
import { type Answer, makeRecorder, type Recorded } from "./utils/recorder.js"
import { stoppedAt } from "./utils/stoppedClock.js"

const appId = "1234"
const key = "interop-key"
const secret = "interop-secret"
const now = 1_700_000_000_000

const server = officialServer()

afterAll(() => {
  vi.useRealTimers()
})

/** Runs our call (on a recorder answering `reply`) and pusher's (on the local server), at the same instant. */
const sideBySide = async <A>(
  ours: Effect.Effect<A, PusherError.PusherError, Pusher.Requirements>,
  theirs: (pusher: PusherNode) => Promise<unknown>,
  reply: Answer = {}
): Promise<{ readonly mine: Recorded; readonly theirs: Received; readonly result: A }> => {
  server.answer = reply
  server.received.length = 0
  const recorder = makeRecorder(() => reply)
  const runtime = ManagedRuntime.make(Layer.mergeAll(
    recorder.layer,
    PusherConfig.layer({ appId, key, secret, host: "127.0.0.1", port: server.port, useTLS: false })
  ))
  try {
    const result = await runtime.runPromise(Effect.provideService(ours, Clock.Clock, stoppedAt(now)))
    vi.useFakeTimers({ toFake: ["Date"] })
    vi.setSystemTime(now)
    await theirs(server.official({ appId, key, secret }))
    expect(recorder.requests).toHaveLength(1)
    expect(server.received).toHaveLength(1)
    return { mine: recorder.requests[0]!, theirs: server.received[0]!, result }
  } finally {
    vi.useRealTimers()
    await runtime.dispose()
  }
}

/** The same method, path, query and body, byte for byte. */
const expectSameRequest = (mine: Recorded, theirs: Received) => {
  expect(mine.method).toBe(theirs.method)
  expect(mine.url.slice(server.origin.length)).toBe(theirs.url)
  expect(mine.body ?? "").toBe(theirs.body)
}

/** The ValidationError an operation fails with, before any request. */
const validationError = async (op: Effect.Effect<unknown, PusherError.PusherError, Pusher.Requirements>) => {
  const recorder = makeRecorder()
  const error = await Effect.runPromise(
    Effect.flip(op).pipe(Effect.provide(Layer.merge(recorder.layer, PusherConfig.layer({ appId, key, secret }))))
  )
  expect(recorder.requests).toHaveLength(0)
  expect(error).toBeInstanceOf(PusherError.ValidationError)
  return error as PusherError.ValidationError
}

describe("point 1: official spellings are honoured, unknown keys are typed errors", () => {
  it("trigger(…, { socket_id, info }) sends what pusher sends", async () => {
    const { mine, theirs } = await sideBySide(
      Pusher.trigger("presence-a", "e", { x: 1 }, { socket_id: "123.456", info: ["user_count"] }),
      (pusher) => pusher.trigger("presence-a", "e", { x: 1 }, { socket_id: "123.456", info: "user_count" })
    )
    expectSameRequest(mine, theirs)
    expect(JSON.parse(theirs.body)).toMatchObject({ socket_id: "123.456" })
  })

  it("a batch event written { channel, name, data, socket_id } keeps its socket_id, as pusher's does", async () => {
    const events: ReadonlyArray<Pusher.BatchEvent> = [
      { channel: "a", name: "e", data: "d", socket_id: "123.456" },
      { channel: "b", name: "e", data: { n: 1 }, socketId: "1.2", info: ["subscription_count"] }
    ]
    const { mine, theirs } = await sideBySide(
      Pusher.triggerBatch(events),
      (pusher) =>
        pusher.triggerBatch([
          { channel: "a", name: "e", data: "d", socket_id: "123.456" },
          { channel: "b", name: "e", data: { n: 1 }, socket_id: "1.2", info: "subscription_count" }
        ])
    )
    expectSameRequest(mine, theirs)
    expect(JSON.parse(theirs.body).batch[0]).toMatchObject({ socket_id: "123.456" })
  })

  it("an unknown key in trigger options is a ValidationError naming it (pusher would send it in the body)", async () => {
    const options = { foo: "bar" } as Pusher.TriggerOptions
    const error = await validationError(Pusher.trigger("a", "e", "d", options))
    expect(error.field).toBe("options.foo")
    expect(error.message).toContain("options.foo")
    const misspelled = await validationError(
      Pusher.trigger("a", "e", "d", { socketID: "1.2" } as Pusher.TriggerOptions)
    )
    expect([misspelled.field, misspelled.rule]).toEqual(["options.socketID", "is not a known key: use socketId"])
    const notAnObject = await validationError(Pusher.trigger("a", "e", "d", "1.2" as Pusher.TriggerOptions))
    expect(notAnObject.field).toBe("options")
  })

  it("socketId and socket_id together are a ValidationError naming both", async () => {
    const error = await validationError(Pusher.trigger("a", "e", "d", { socketId: "1.2", socket_id: "1.2" }))
    expect(error.field).toBe("options.socketId")
    expect(error.message).toContain("options.socket_id")
    const batch = await validationError(
      Pusher.triggerBatch([{ channel: "a", name: "e", data: "d" }, {
        channel: "a",
        name: "e",
        data: "d",
        socketId: "1.2",
        socket_id: "3.4"
      }])
    )
    expect(batch.field).toBe("events[1].socketId")
    expect(batch.message).toContain("events[1].socket_id")
  })

  it("a bad socket_id is named as given", async () => {
    const error = await validationError(Pusher.trigger("a", "e", "d", { socket_id: "nope" }))
    expect(error.field).toBe("options.socket_id")
  })

  it("an unknown key in a batch event envelope is a ValidationError naming it and its replacement", async () => {
    const events = [
      { channel: "a", name: "e", data: "d" },
      { channels: ["a", "b"], name: "e", data: "d" }
    ] as unknown as ReadonlyArray<Pusher.BatchEvent>
    const error = await validationError(Pusher.triggerBatch(events))
    expect(error.field).toBe("events[1].channels")
    expect(error.message).toContain("use channel")
    const extra = [{ channel: "a", name: "e", data: "d", ttl: 3 }] as unknown as ReadonlyArray<Pusher.BatchEvent>
    expect((await validationError(Pusher.triggerBatch(extra))).field).toBe("events[0].ttl")
  })

  it("keys inside event data are the caller's own: never checked", async () => {
    const data = { foo: "bar", socket_id: "x", channels: 1 }
    const { mine, theirs } = await sideBySide(
      Pusher.triggerBatch([{ channel: "a", name: "e", data }]),
      (pusher) => pusher.triggerBatch([{ channel: "a", name: "e", data }])
    )
    expectSameRequest(mine, theirs)
  })

  it("unknown keys in channels and channel options are ValidationErrors naming them", async () => {
    const prefix = await validationError(Pusher.channels({ filter_by_prefix: "presence-" } as Pusher.ChannelsOptions))
    expect([prefix.field, prefix.rule]).toEqual(["options.filter_by_prefix", "is not a known key: use filterByPrefix"])
    const channel = await validationError(Pusher.channel("a", { info: ["cache"], foo: 1 } as Pusher.ChannelOptions))
    expect(channel.field).toBe("options.foo")
  })
})

describe("point 4: an empty cache channel's \"cache\": null", () => {
  it("decodes as no cache, for the request pusher sends", async () => {
    const reply = { body: `{"occupied":true,"subscription_count":1,"cache":null}` }
    const { mine, result, theirs } = await sideBySide(
      Pusher.channel("cache-x", { info: ["cache", "subscription_count"] }),
      (pusher) => pusher.get({ path: "/channels/cache-x", params: { info: "cache,subscription_count" } }),
      reply
    )
    expectSameRequest(mine, theirs)
    expect(result).toStrictEqual({ occupied: true, subscriptionCount: 1 })
    expect("cache" in result).toBe(false)
  })
})

describe("point 5: a 2xx is soketi's error only as { error: string, code: number }", () => {
  it("{\"result\":\"ok\",\"error\":null} from post(\"/custom\") is a success, as pusher resolves it", async () => {
    const body = `{"result":"ok","error":null}`
    const { mine, result, theirs } = await sideBySide(
      Pusher.post("/custom", { a: 1 }),
      (pusher) => pusher.post({ path: "/custom", body: { a: 1 } as unknown as string }),
      { body }
    )
    expectSameRequest(mine, theirs)
    expect(result).toStrictEqual({ result: "ok", error: null })
  })

  it("{\"error\": \"...\", \"code\": 4xx} is still the HttpError of that code", async () => {
    const recorder = makeRecorder(() => ({ body: `{"error":"over quota","code":403}` }))
    const error = await Effect.runPromise(
      Effect.flip(Pusher.post("/custom", {})).pipe(
        Effect.provide(Layer.merge(recorder.layer, PusherConfig.layer({ appId, key, secret })))
      )
    )
    expect(error).toMatchObject({ _tag: "HttpError", status: 403, reason: "Forbidden" })
  })
})

describe("point 8: query values with any character, and an empty POST", () => {
  it("spaces, non-ASCII and the characters a URL escapes: byte-identical to pusher's URL", async () => {
    const params = { q: "a b", name: "ą 中文 😀", quote: "it's \"<x>\"", rest: "{|}^`\\[]!$()*/?~" }
    const { mine, theirs } = await sideBySide(
      Pusher.get("/channels", params),
      (pusher) => pusher.get({ path: "/channels", params })
    )
    expectSameRequest(mine, theirs)
    expect(theirs.url).toContain("q=a%20b")
    expect(theirs.url).toContain("name=%C4%85%20%E4%B8%AD%E6%96%87%20%F0%9F%98%80")
  })

  it("any value without & # + % or a tab or newline: byte-identical to pusher's URL (fast-check)", async () => {
    // pusher's URL breaks on & # + % (see below), and a WHATWG URL deletes tabs and newlines, so its signature
    // no longer matches: both are documented differences.
    const value = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "binary-ascii" }),
      fc.string({ unit: "grapheme" })
    ).filter((v) => !/[&#+%\t\n\r]/.test(v))
    const params = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/), value, { minKeys: 1, maxKeys: 4 })
      // pusher looks reserved names up in a plain object, so it also refuses toString, constructor and the like.
      .filter((p) =>
        !Object.keys(p).some((k) =>
          k.startsWith("auth_") || k === "body_md5" || Object.getOwnPropertyNames(Object.prototype).includes(k)
        )
      )
    await fc.assert(
      fc.asyncProperty(params, async (params) => {
        const { mine, theirs } = await sideBySide(
          Pusher.get("/channels", params),
          (pusher) => pusher.get({ path: "/channels", params })
        )
        expectSameRequest(mine, theirs)
      }),
      { numRuns: 60 }
    )
  })

  it("post params with a space: byte-identical to pusher's URL and body", async () => {
    const { mine, theirs } = await sideBySide(
      Pusher.post("/custom", { a: 1 }, { label: "two words" }),
      (pusher) => pusher.post({ path: "/custom", body: { a: 1 } as unknown as string, params: { label: "two words" } })
    )
    expectSameRequest(mine, theirs)
  })

  it("& # + % are percent-encoded, where pusher's URL breaks (a documented difference)", async () => {
    const params = { x: "a&b=c", y: "1+1", z: "50%", w: "#top" }
    const { mine, theirs } = await sideBySide(
      Pusher.get("/channels", params),
      (pusher) => pusher.get({ path: "/channels", params })
    )
    const query = mine.url.slice(mine.url.indexOf("?") + 1)
    expect(query).toContain("x=a%26b=c")
    expect(query).toContain("y=1%2B1")
    expect(query).toContain("z=50%25")
    expect(query).toContain("w=%23top")
    // Decoded as a server decodes it, our query gives back every value as given.
    const decoded = Query.parse(query)
    expect([decoded?.get("x"), decoded?.get("y"), decoded?.get("z"), decoded?.get("w")]).toEqual(
      ["a&b=c", "1+1", "50%", "#top"]
    )
    // pusher's `#` starts a fragment: everything after it, the signature included, never arrives.
    expect(theirs.url).not.toContain("auth_signature")
  })

  it("the signature covers the unescaped values: the emulator (which checks it as Channels does) accepts them", () =>
    Effect.runPromise(
      Effect.gen(function*() {
        const answer = yield* Pusher.get("/channels", { x: "a&b#c+d%e f ą", filter_by_prefix: "presence-" })
        expect(answer).toStrictEqual({ channels: {} })
        yield* Pusher.post("/users/u/terminate_connections", undefined, { note: "50% off & more" })
        yield* Pusher.post("/users/u/terminate_connections")
      }).pipe(Effect.provide(PusherTest.layer()))
    ))

  it("post(path) with no body is an empty POST, as pusher sends (no body, no body_md5, no content type)", async () => {
    const { mine, theirs } = await sideBySide(
      Pusher.post("/users/u/terminate_connections"),
      // pusher's types ask for a body; at run time a missing one makes the empty POST.
      (pusher) => pusher.post({ path: "/users/u/terminate_connections" } as { path: string; body: string })
    )
    expectSameRequest(mine, theirs)
    expect(theirs.body).toBe("")
    expect(theirs.url).not.toContain("body_md5")
    expect(theirs.contentType).toBeUndefined()
    expect(mine.body).toBeUndefined()
    expect(mine.contentType).toBeUndefined()
  })
})
