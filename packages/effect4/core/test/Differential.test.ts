/**
 * Differential test against the official library, pusher@5.3.4: for the same valid input and the same
 * clock, both must send the same method, path, query and body, byte for byte.
 */
import { Pusher, PusherConfig } from "@effect-pusher/core"
import { afterAll, describe, expect, it, vi } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Result from "effect/Result"
import * as fc from "fast-check"
import PusherNode from "pusher"
import { officialServer } from "./utils/officialServer.js"
import { makeFailingClient, makeRecorder } from "./utils/recorder.js"
import { stoppedAt } from "./utils/stoppedClock.js"

const appId = "1234"
const key = "differential-key"
const secret = "differential-secret"

const server = officialServer()

afterAll(() => {
  vi.useRealTimers()
})

// ---------------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------------

const nameAlphabet = fc.constantFrom(..."ABCXYZabcxyz0189_-=@,.;".split(""))

/** A string of the channel-name alphabet, of any length from min to max (uniformly, not only short ones). */
const nameOf = (min: number, max: number) =>
  fc.integer({ min, max }).chain((n) => fc.string({ unit: nameAlphabet, minLength: n, maxLength: n }))

const shortOrLong = (max: number) =>
  fc.oneof({ weight: 4, arbitrary: nameOf(1, 20) }, { weight: 1, arbitrary: nameOf(1, max) })

// Encrypted channels are left out: their nonce is random, so the bodies could never match.
const channelName = shortOrLong(200).filter((n) => !n.startsWith("private-encrypted-"))
const pathName = channelName.filter((n) => n !== "." && n !== "..")
const userId = shortOrLong(200).filter((n) => n !== "." && n !== "..")
const presenceName = nameOf(0, 191).map((n) => `presence-${n}`)

const utf16Max = (max: number) => (s: string) => s.length >= 1 && s.length <= max
const eventName = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 200 }),
  fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 200, size: "max" })
).filter(utf16Max(200))

const fitsPayload = (data: unknown) =>
  Buffer.byteLength(typeof data === "string" ? data : JSON.stringify(data), "utf8") <= 10_240

const data = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.constantFrom("", "😀🎉 naïve — 中文", "{\"already\":\"json\"}", "\u2028\u2029\"\\\n"),
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(
    fc.string({ unit: "grapheme" }),
    fc.oneof(fc.string({ unit: "grapheme" }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))
  ),
  fc.array(fc.oneof(fc.boolean(), fc.constant(null), fc.string({ unit: "binary" })))
).filter(fitsPayload)

const socketId = fc.oneof(
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`),
  fc.stringMatching(/^\d{1,20}\.\d{1,20}$/)
)

const triggerInfo = fc.shuffledSubarray(["subscription_count", "user_count"] as const, { minLength: 1 })

// pusher looks reserved names up in a plain object, so it also refuses toString, constructor and the like.
const reserved = new Set([
  "auth_key",
  "auth_timestamp",
  "auth_version",
  "auth_signature",
  "body_md5",
  ...Object.getOwnPropertyNames(Object.prototype)
])
const paramKey = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/).filter((k) => !reserved.has(k))
const paramText = fc.stringMatching(/^[A-Za-z0-9_=@,.;:-]{0,16}$/)
const paramValue = fc.oneof(
  paramText,
  fc.integer(),
  fc.boolean(),
  fc.array(fc.oneof(paramText, fc.integer()), { maxLength: 4 })
)
const params = fc.dictionary(paramKey, paramValue, { maxKeys: 6 })
const path = fc.oneof(
  fc.constantFrom("/channels", "/batch_events", "/events"),
  fc.array(nameOf(1, 12).filter((s) => s !== "." && s !== ".."), { minLength: 1, maxLength: 4 }).map((segments) =>
    `/${segments.join("/")}`
  )
)

type Info = ReadonlyArray<"subscription_count" | "user_count">

type Case =
  | {
    readonly op: "trigger"
    readonly channels: string | ReadonlyArray<string>
    readonly event: string
    readonly data: unknown
    readonly socketId: string | undefined
    readonly info: Info | undefined
  }
  | {
    readonly op: "triggerBatch"
    readonly events: ReadonlyArray<{
      readonly channel: string
      readonly name: string
      readonly data: unknown
      readonly socketId: string | undefined
      readonly info: Info | undefined
    }>
  }
  | { readonly op: "sendToUser"; readonly userId: string; readonly event: string; readonly data: unknown }
  | { readonly op: "terminateUserConnections"; readonly userId: string }
  | { readonly op: "channels"; readonly filterByPrefix: string | undefined; readonly info: Info | undefined }
  | {
    readonly op: "channel"
    readonly name: string
    readonly info: ReadonlyArray<"subscription_count" | "user_count" | "cache"> | undefined
  }
  | { readonly op: "users"; readonly name: string }
  | { readonly op: "get"; readonly path: string; readonly params: Pusher.QueryParams }
  | { readonly op: "post"; readonly path: string; readonly body: object; readonly params: Pusher.QueryParams }

const optional = <A>(arb: fc.Arbitrary<A>) => fc.option(arb, { nil: undefined })

const cases: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("trigger" as const),
      channels: fc.oneof(channelName, fc.array(channelName, { minLength: 1, maxLength: 100 })),
      event: eventName,
      data,
      socketId: optional(socketId),
      info: optional(triggerInfo)
    })
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("triggerBatch" as const),
      events: fc.array(
        fc.record({
          channel: channelName,
          name: eventName,
          data,
          socketId: optional(socketId),
          info: optional(triggerInfo)
        }),
        { minLength: 1, maxLength: 10 }
      )
    })
  },
  fc.record({ op: fc.constant("sendToUser" as const), userId, event: eventName, data }),
  fc.record({ op: fc.constant("terminateUserConnections" as const), userId }),
  fc.oneof(
    fc.record({
      op: fc.constant("channels" as const),
      filterByPrefix: optional(channelName),
      info: optional(fc.constant(["subscription_count"] as const))
    }),
    fc.record({
      op: fc.constant("channels" as const),
      filterByPrefix: nameOf(0, 20).map((s) => `presence-${s}`),
      info: optional(triggerInfo)
    })
  ),
  fc.oneof(
    fc.record({
      op: fc.constant("channel" as const),
      name: pathName,
      info: optional(fc.shuffledSubarray(["subscription_count", "cache"] as const, { minLength: 1 }))
    }),
    fc.record({
      op: fc.constant("channel" as const),
      name: presenceName,
      info: optional(fc.shuffledSubarray(["subscription_count", "user_count", "cache"] as const, { minLength: 1 }))
    })
  ),
  fc.record({ op: fc.constant("users" as const), name: presenceName }),
  fc.record({ op: fc.constant("get" as const), path, params }),
  fc.record({
    op: fc.constant("post" as const),
    path,
    body: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), fc.array(fc.jsonValue({ maxDepth: 2 }))),
    params
  })
)

// pusher computes `(Date.now() / 1000) | 0`, which wraps after 2038-01-19: stay before that.
const instant = fc.integer({ min: 0, max: 2_147_483_647_999 })

// ---------------------------------------------------------------------------------------------------------
// Running both libraries
// ---------------------------------------------------------------------------------------------------------

const joined = (info: ReadonlyArray<string> | undefined) => (info === undefined ? undefined : info.join(","))

// pusher's trigger body is `{name, data, channels, ...params}`: params in the order socket_id, info.
const triggerParams = (socketId: string | undefined, info: Info | undefined) =>
  socketId === undefined && info === undefined ? undefined : {
    ...(socketId === undefined ? {} : { socket_id: socketId }),
    ...(info === undefined ? {} : { info: info.join(",") })
  }

const pusherParams = (query: Pusher.QueryParams): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(query)) if (v !== undefined) out[k] = v
  return out
}

const runOfficial = (pusher: PusherNode, c: Case): Promise<unknown> => {
  switch (c.op) {
    case "trigger":
      return pusher.trigger(
        typeof c.channels === "string" ? c.channels : [...c.channels],
        c.event,
        c.data,
        triggerParams(c.socketId, c.info)
      )
    case "triggerBatch":
      return pusher.triggerBatch(c.events.map((e) => ({
        channel: e.channel,
        name: e.name,
        data: e.data,
        ...triggerParams(e.socketId, e.info)
      })))
    case "sendToUser":
      return pusher.sendToUser(c.userId, c.event, c.data)
    case "terminateUserConnections":
      return pusher.terminateUserConnections(c.userId)
    case "channels":
      return pusher.get({
        path: "/channels",
        params: {
          ...(c.filterByPrefix === undefined ? {} : { filter_by_prefix: c.filterByPrefix }),
          ...(c.info === undefined ? {} : { info: joined(c.info) })
        }
      })
    case "channel":
      return pusher.get({ path: `/channels/${c.name}`, params: c.info === undefined ? {} : { info: joined(c.info) } })
    case "users":
      return pusher.get({ path: `/channels/${c.name}/users` })
    case "get":
      return pusher.get({ path: c.path, params: pusherParams(c.params) })
    case "post":
      return pusher.post({ path: c.path, body: c.body as unknown as string, params: pusherParams(c.params) })
  }
}

const ours = (c: Case): Effect.Effect<unknown, unknown, Pusher.Requirements> => {
  switch (c.op) {
    case "trigger":
      return Pusher.trigger(c.channels, c.event, c.data, { socketId: c.socketId, info: c.info })
    case "triggerBatch":
      return Pusher.triggerBatch(c.events)
    case "sendToUser":
      return Pusher.sendToUser(c.userId, c.event, c.data)
    case "terminateUserConnections":
      return Pusher.terminateUserConnections(c.userId)
    case "channels":
      return Pusher.channels({ filterByPrefix: c.filterByPrefix, info: c.info })
    case "channel":
      return Pusher.channel(c.name, { info: c.info })
    case "users":
      return Pusher.users(c.name)
    case "get":
      return Pusher.get(c.path, c.params)
    case "post":
      return Pusher.post(c.path, c.body, c.params)
  }
}

describe("differential against pusher@5.3.4", () => {
  it("sends the same path, query and body for every valid input", async () => {
    vi.useFakeTimers({ toFake: ["Date"] })
    const pusher = server.official({ appId, key, secret })
    const recorder = makeRecorder((request) => ({
      body: request.method === "GET" ? `{"channels":{},"occupied":false,"users":[]}` : "{}"
    }))
    const runtime = ManagedRuntime.make(Layer.mergeAll(
      recorder.layer,
      PusherConfig.layer({ appId, key, secret, host: "127.0.0.1", port: server.port, useTLS: false })
    ))
    const { origin, received } = server
    const seen = new Set<string>()
    try {
      await fc.assert(
        fc.asyncProperty(cases, instant, async (c, now) => {
          seen.add(c.op)
          recorder.requests.length = 0
          received.length = 0
          await runtime.runPromise(Effect.provideService(ours(c), Clock.Clock, stoppedAt(now)))
          vi.setSystemTime(now)
          await runOfficial(pusher, c)
          expect(recorder.requests).toHaveLength(1)
          expect(received).toHaveLength(1)
          const mine = recorder.requests[0]!
          const theirs = received[0]!
          expect(mine.method).toBe(theirs.method)
          expect(mine.url.startsWith(`${origin}/apps/${appId}/`)).toBe(true)
          expect(mine.url.slice(origin.length)).toBe(theirs.url)
          expect(mine.body ?? "").toBe(theirs.body)
        }),
        { numRuns: 520 }
      )
    } finally {
      vi.useRealTimers()
      await runtime.dispose()
    }
    expect([...seen].sort()).toStrictEqual(
      [
        "channel",
        "channels",
        "get",
        "post",
        "sendToUser",
        "terminateUserConnections",
        "trigger",
        "triggerBatch",
        "users"
      ]
    )
  })
})

describe("validation agrees with pusher@5.3.4", () => {
  it("accepts exactly the channel names and socket ids that pusher accepts", async () => {
    const pusher = new PusherNode({ appId, key, secret, host: "127.0.0.1", port: "1", useTLS: false })
    // A client that fails at once: a TransportError means the input passed validation.
    const runtime = ManagedRuntime.make(
      Layer.merge(makeFailingClient().layer, PusherConfig.layer({ appId, key, secret }))
    )
    // Built before the property: runSync cannot wait for a layer that builds asynchronously.
    await runtime.context()
    const nearlyValid = fc.array(
      fc.oneof({ weight: 8, arbitrary: nameAlphabet }, {
        weight: 1,
        arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 })
      }),
      { minLength: 0, maxLength: 202 }
    ).map((chars) => chars.join(""))
    const channel = fc.oneof(nearlyValid, fc.string({ unit: "binary" }), nameOf(199, 201))
      .filter((c) => !c.startsWith("private-encrypted-"))
    const socket = fc.oneof(
      socketId,
      fc.stringMatching(/^\s?\d{0,3}[.:,]?\d{0,3}\s?$/),
      fc.string({ unit: "binary", maxLength: 8 })
    )
    fc.assert(
      fc.property(channel, socket, (channel, socketId) => {
        let theirs = true
        try {
          pusher.authorizeChannel(socketId, channel)
        } catch {
          theirs = false
        }
        const result = runtime.runSync(Effect.result(Pusher.trigger(channel, "e", "d", { socketId })))
        const mine = Result.isSuccess(result) || result.failure._tag !== "ValidationError"
        expect(mine).toBe(theirs)
      }),
      { numRuns: 600 }
    )
    await runtime.dispose()
  })
})
