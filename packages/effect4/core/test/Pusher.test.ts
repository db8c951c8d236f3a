import { Pusher, PusherConfig, PusherError } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import { inspect } from "node:util"
import {
  type Answer,
  makeFailingClient,
  makeRecorder,
  makeSilentClient,
  type Recorded,
  signedUrl
} from "./utils/recorder.js"

const appId = "1234"
const key = "f00d"
const secret = "tofu-S3CRET-never-printed"
const timestamp = 1_700_000_123
const defaultBase = { baseUrl: "https://api-mt1.pusher.com", appId, key, secret }

// A body that every GET operation can decode; POSTs get `{}`.
const defaultAnswer = (request: Recorded): Answer => ({
  body: request.method === "GET" ? `{"channels":{},"occupied":false,"users":[]}` : "{}"
})

const setup = (respond: (request: Recorded) => Answer = defaultAnswer, options?: Partial<PusherConfig.Options>) => {
  const recorder = makeRecorder(respond)
  const layer = Layer.merge(recorder.layer, PusherConfig.layer({ appId, key, secret, ...options }))
  const run = <A, E>(effect: Effect.Effect<A, E, Pusher.Requirements>) =>
    Effect.gen(function*() {
      // 999 ms into the second: auth_timestamp is floored, not rounded.
      yield* TestClock.setTime(timestamp * 1000 + 999)
      return yield* effect
    }).pipe(Effect.provide(layer))
  return { recorder, run }
}

interface ExpectedRequest {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly params?: ReadonlyArray<readonly [string, string]>
  readonly body?: string
}

const expectRequests = (
  requests: ReadonlyArray<Recorded>,
  expected: ReadonlyArray<ExpectedRequest>,
  base: typeof defaultBase = defaultBase
) => {
  expect(requests.length).toBe(expected.length)
  expected.forEach((e, i) => {
    const request = requests[i]!
    expect(request.method).toBe(e.method)
    expect(request.url).toBe(signedUrl({ ...base, ...e, timestamp }))
    expect(request.body).toBe(e.body)
    expect(request.contentType).toBe(e.body === undefined ? undefined : "application/json")
    expect(request.headers["x-pusher-library"]).toMatch(/^effect-pusher \d+\.\d+\.\d+/)
  })
}

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

describe("Pusher HTTP operations: exact requests", () => {
  it.effect("trigger to one channel (string channel, object data)", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      const result = yield* run(Pusher.trigger("my-channel", "my-event", { hello: "world" }))
      expect(result).toEqual({})
      expectRequests(recorder.requests, [{
        method: "POST",
        path: "/events",
        body: `{"name":"my-event","data":"{\\"hello\\":\\"world\\"}","channels":["my-channel"]}`
      }])
    })
  })

  it.effect("trigger sends string data as is and other JSON values stringified", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      const values: ReadonlyArray<readonly [unknown, string]> = [
        ["plain text", `"plain text"`],
        ["{\"already\":\"json\"}", `"{\\"already\\":\\"json\\"}"`],
        [42, `"42"`],
        [-1.5e-7, `"-1.5e-7"`],
        [true, `"true"`],
        [null, `"null"`],
        [[1, "two", { three: [3] }], `"[1,\\"two\\",{\\"three\\":[3]}]"`],
        [
          { emoji: "😀 é €", nested: { deep: { x: null } } },
          `"{\\"emoji\\":\\"😀 é €\\",\\"nested\\":{\\"deep\\":{\\"x\\":null}}}"`
        ],
        ["", `""`]
      ]
      for (const [data] of values) yield* run(Pusher.trigger("c", "e", data))
      expectRequests(
        recorder.requests,
        values.map(([, wire]) => ({
          method: "POST" as const,
          path: "/events",
          body: `{"name":"e","data":${wire},"channels":["c"]}`
        }))
      )
    })
  })

  it.effect("trigger to several channels with socketId and info, decoding channels with camelCase keys", () => {
    const { recorder, run } = setup(() => ({
      body: `{"channels":{"a":{"subscription_count":3},"presence-b":{"subscription_count":1,"user_count":1},"c":{}}}`
    }))
    return Effect.gen(function*() {
      const result = yield* run(
        Pusher.trigger(["a", "presence-b", "c"], "ev", "d", {
          socketId: "123.456",
          info: ["subscription_count", "user_count"]
        })
      )
      expect(result).toStrictEqual({
        channels: {
          a: { subscriptionCount: 3 },
          "presence-b": { subscriptionCount: 1, userCount: 1 },
          c: {}
        }
      })
      expectRequests(recorder.requests, [{
        method: "POST",
        path: "/events",
        body:
          `{"name":"ev","data":"d","channels":["a","presence-b","c"],"socket_id":"123.456","info":"subscription_count,user_count"}`
      }])
    })
  })

  it.effect("trigger with only socketId, or only info", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      yield* run(Pusher.trigger(["a"], "ev", "d", { socketId: "1.2" }))
      yield* run(Pusher.trigger("a", "ev", "d", { info: ["user_count"] }))
      yield* run(Pusher.trigger("a", "ev", "d", { socketId: undefined, info: undefined }))
      expectRequests(recorder.requests, [
        { method: "POST", path: "/events", body: `{"name":"ev","data":"d","channels":["a"],"socket_id":"1.2"}` },
        { method: "POST", path: "/events", body: `{"name":"ev","data":"d","channels":["a"],"info":"user_count"}` },
        { method: "POST", path: "/events", body: `{"name":"ev","data":"d","channels":["a"]}` }
      ])
    })
  })

  it.effect("triggerBatch with socketId and info per event, decoding batch", () => {
    const { recorder, run } = setup(() => ({ body: `{"batch":[{},{"user_count":4,"subscription_count":5}]}` }))
    return Effect.gen(function*() {
      const result = yield* run(Pusher.triggerBatch([
        { channel: "a", name: "e1", data: "x" },
        {
          channel: "presence-b",
          name: "e2",
          data: { n: 1 },
          socketId: "1.2",
          info: ["user_count", "subscription_count"]
        }
      ]))
      expect(result).toStrictEqual({ batch: [{}, { userCount: 4, subscriptionCount: 5 }] })
      expectRequests(recorder.requests, [{
        method: "POST",
        path: "/batch_events",
        body: `{"batch":[{"channel":"a","name":"e1","data":"x"},` +
          `{"channel":"presence-b","name":"e2","data":"{\\"n\\":1}","socket_id":"1.2","info":"user_count,subscription_count"}]}`
      }])
    })
  })

  it.effect("triggerBatch without info answers {}", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      const result = yield* run(Pusher.triggerBatch([{ channel: "a", name: "e", data: 1, socketId: "9.9" }]))
      expect(result).toStrictEqual({})
      expectRequests(recorder.requests, [{
        method: "POST",
        path: "/batch_events",
        body: `{"batch":[{"channel":"a","name":"e","data":"1","socket_id":"9.9"}]}`
      }])
    })
  })

  it.effect("sendToUser posts to #server-to-user-{id}", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      const result = yield* run(Pusher.sendToUser("user-1", "greet", { a: 1 }))
      yield* run(Pusher.sendToUser("u", "greet", "text"))
      expect(result).toBeUndefined()
      expectRequests(recorder.requests, [
        {
          method: "POST",
          path: "/events",
          body: `{"name":"greet","data":"{\\"a\\":1}","channels":["#server-to-user-user-1"]}`
        },
        { method: "POST", path: "/events", body: `{"name":"greet","data":"text","channels":["#server-to-user-u"]}` }
      ])
    })
  })

  it.effect("terminateUserConnections posts {} to /users/{id}/terminate_connections", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      const result = yield* run(Pusher.terminateUserConnections("user_1@x.y"))
      expect(result).toBeUndefined()
      expectRequests(recorder.requests, [{
        method: "POST",
        path: "/users/user_1@x.y/terminate_connections",
        body: "{}"
      }])
    })
  })

  it.effect("channels with and without filterByPrefix and info", () => {
    const { recorder, run } = setup((request) => ({
      body: request.url.includes("info=")
        ? `{"channels":{"presence-a":{"user_count":2}}}`
        : `{"channels":{"presence-a":{},"b":{}}}`
    }))
    return Effect.gen(function*() {
      const all = yield* run(Pusher.channels())
      const prefixed = yield* run(Pusher.channels({ filterByPrefix: "presence-" }))
      const withInfo = yield* run(Pusher.channels({ filterByPrefix: "presence-", info: ["user_count"] }))
      const subscriptions = yield* run(Pusher.channels({ info: ["subscription_count"] }))
      expect(all).toStrictEqual({ channels: { "presence-a": {}, b: {} } })
      expect(prefixed).toStrictEqual(all)
      expect(withInfo).toStrictEqual({ channels: { "presence-a": { userCount: 2 } } })
      expect(subscriptions).toStrictEqual(withInfo)
      expectRequests(recorder.requests, [
        { method: "GET", path: "/channels" },
        { method: "GET", path: "/channels", params: [["filter_by_prefix", "presence-"]] },
        { method: "GET", path: "/channels", params: [["filter_by_prefix", "presence-"], ["info", "user_count"]] },
        { method: "GET", path: "/channels", params: [["info", "subscription_count"]] }
      ])
      // The signed query is in key order, whatever order the options were written in.
      expect(recorder.requests[2]!.url).toContain(
        "?auth_key=f00d&auth_timestamp=1700000123&auth_version=1.0&filter_by_prefix=presence-&info=user_count&auth_signature="
      )
    })
  })

  it.effect("channel with info (including cache) and without", () => {
    const { recorder, run } = setup((request) => ({
      body: request.url.includes("info=")
        ? `{"occupied":true,"user_count":2,"subscription_count":3,"cache":{"data":"{\\"x\\":1}","ttl":30}}`
        : `{"occupied":false}`
    }))
    return Effect.gen(function*() {
      const full = yield* run(Pusher.channel("presence-room", { info: ["user_count", "subscription_count", "cache"] }))
      const bare = yield* run(Pusher.channel("a"))
      expect(full).toStrictEqual({
        occupied: true,
        userCount: 2,
        subscriptionCount: 3,
        cache: { data: `{"x":1}`, ttl: 30 }
      })
      expect(bare).toStrictEqual({ occupied: false })
      expectRequests(recorder.requests, [
        {
          method: "GET",
          path: "/channels/presence-room",
          params: [["info", "user_count,subscription_count,cache"]]
        },
        { method: "GET", path: "/channels/a" }
      ])
    })
  })

  it.effect("users lists a presence channel's members", () => {
    const { recorder, run } = setup(() => ({ body: `{"users":[{"id":"1"},{"id":"two"}]}` }))
    return Effect.gen(function*() {
      const users = yield* run(Pusher.users("presence-room"))
      expect(users).toStrictEqual([{ id: "1" }, { id: "two" }])
      expectRequests(recorder.requests, [{ method: "GET", path: "/channels/presence-room/users" }])
    })
  })

  it.effect("get signs params (arrays joined with ',', undefined dropped) and returns the JSON", () => {
    const { recorder, run } = setup(() => ({ body: `{"any":["thing",1]}` }))
    return Effect.gen(function*() {
      const result = yield* run(Pusher.get("/channels", {
        info: ["user_count", "subscription_count"],
        filter_by_prefix: "presence-",
        n: 3,
        flag: true,
        skipped: undefined,
        ids: [1, "b"]
      }))
      expect(result).toStrictEqual({ any: ["thing", 1] })
      yield* run(Pusher.get("/channels/a/users"))
      expectRequests(recorder.requests, [
        {
          method: "GET",
          path: "/channels",
          params: [
            ["info", "user_count,subscription_count"],
            ["filter_by_prefix", "presence-"],
            ["n", "3"],
            ["flag", "true"],
            ["ids", "1,b"]
          ]
        },
        { method: "GET", path: "/channels/a/users" }
      ])
      expect(recorder.requests[0]!.url).toContain(
        "?auth_key=f00d&auth_timestamp=1700000123&auth_version=1.0&filter_by_prefix=presence-&flag=true&ids=1,b" +
          "&info=user_count,subscription_count&n=3&auth_signature="
      )
    })
  })

  it.effect("post sends the body as JSON with params and returns the JSON", () => {
    const { recorder, run } = setup(() => ({ body: `{"ok":true}` }))
    return Effect.gen(function*() {
      const result = yield* run(Pusher.post("/events", { name: "e", channels: ["a"], data: "x" }, { z: "1", a: 2 }))
      expect(result).toStrictEqual({ ok: true })
      yield* run(Pusher.post("/users/u/terminate_connections", {}))
      expectRequests(recorder.requests, [
        {
          method: "POST",
          path: "/events",
          params: [["z", "1"], ["a", "2"]],
          body: `{"name":"e","channels":["a"],"data":"x"}`
        },
        { method: "POST", path: "/users/u/terminate_connections", body: "{}" }
      ])
    })
  })

  it.effect("uses the configured scheme, host, port and cluster", () => {
    const cases: ReadonlyArray<readonly [Partial<PusherConfig.Options>, string]> = [
      [{ host: "127.0.0.1", port: 4000, useTLS: false }, "http://127.0.0.1:4000"],
      [{ host: "soketi.internal", useTLS: false }, "http://soketi.internal"],
      [{ host: "soketi.internal", useTLS: false, port: 443 }, "http://soketi.internal:443"],
      [{ cluster: "eu" }, "https://api-eu.pusher.com"],
      [{ cluster: "ap2", port: 8443 }, "https://api-ap2.pusher.com:8443"],
      [{ useTLS: true, port: 443 }, "https://api-mt1.pusher.com"],
      [{ appId: 99 }, "https://api-mt1.pusher.com"]
    ]
    return Effect.forEach(cases, ([options, baseUrl]) => {
      const { recorder, run } = setup(undefined, options)
      return Effect.map(
        run(Pusher.channel("a")),
        () =>
          expectRequests(recorder.requests, [{ method: "GET", path: "/channels/a" }], {
            ...defaultBase,
            appId: options.appId === undefined ? appId : String(options.appId),
            baseUrl
          })
      )
    })
  })

  it.effect("reads the time from the Clock on each request", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      yield* run(Pusher.channels())
      yield* run(Effect.andThen(TestClock.setTime(1_999), Pusher.channels()))
      expect(recorder.requests[0]!.url).toContain("auth_timestamp=1700000123&")
      expect(recorder.requests[1]!.url).toContain("auth_timestamp=1&")
    })
  })

  it.effect("signs timestamps after 2038 correctly (pusher@5.3.4 wraps them to negative numbers)", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      yield* run(Effect.andThen(TestClock.setTime(2_147_483_648_000), Pusher.channels()))
      yield* run(Effect.andThen(TestClock.setTime(4_102_444_800_999), Pusher.channels()))
      expect(recorder.requests[0]!.url).toContain("auth_timestamp=2147483648&")
      expect(recorder.requests[1]!.url).toContain("auth_timestamp=4102444800&")
    })
  })
})

// ---------------------------------------------------------------------------------------------------------
// Validation (SPEC §5)
// ---------------------------------------------------------------------------------------------------------

type Op = Effect.Effect<unknown, PusherError.PusherError, Pusher.Requirements>

const long = (n: number, ch = "a") => ch.repeat(n)
const channelList = (n: number) => Array.from({ length: n }, (_, i) => `ch-${i}`)
const batchOf = (n: number) => Array.from({ length: n }, (_, i) => ({ channel: `c${i}`, name: "e", data: i }))

const cycle: Record<string, unknown> = {}
cycle.self = cycle

// [label, operation, options of the config]
const valid: ReadonlyArray<readonly [string, () => Op, Partial<PusherConfig.Options>?]> = [
  ["channel of 200 characters", () => Pusher.trigger(long(200), "e", "d")],
  ["every allowed channel character", () => Pusher.trigger("AZaz09_-=@,.;", "e", "d")],
  ["100 channels", () => Pusher.trigger(channelList(100), "e", "d")],
  ["event name of 200 characters", () => Pusher.trigger("c", long(200), "d")],
  ["event name of 100 emoji (200 UTF-16 units)", () => Pusher.trigger("c", long(100, "😀"), "d")],
  ["socket id 1.2", () => Pusher.trigger("c", "e", "d", { socketId: "1.2" })],
  ["socket id 1234567890.0987654321", () => Pusher.trigger("c", "e", "d", { socketId: "1234567890.0987654321" })],
  ["data of exactly 10240 ASCII bytes", () => Pusher.trigger("c", "e", long(10240))],
  ["data of exactly 10240 bytes of 2-byte characters", () => Pusher.trigger("c", "e", long(5120, "é"))],
  ["data of 10239 bytes of 3-byte characters + 1", () => Pusher.trigger("c", "e", long(3413, "€") + "a")],
  ["data of exactly 10240 bytes of emoji", () => Pusher.trigger("c", "e", long(2560, "😀"))],
  ["object data whose JSON is exactly 10240 bytes", () => Pusher.trigger("c", "e", { a: long(10232) })],
  ["data at a configured limit of 100", () => Pusher.trigger("c", "e", long(100)), { maxPayloadBytes: 100 }],
  ["data at a configured limit of 20000", () => Pusher.trigger("c", "e", long(20000)), { maxPayloadBytes: 20000 }],
  ["batch of 10", () => Pusher.triggerBatch(batchOf(10))],
  [
    "batch event data of exactly 10240 bytes",
    () => Pusher.triggerBatch([{ channel: "c", name: "e", data: long(10240) }])
  ],
  ["sendToUser data of exactly 10240 bytes", () => Pusher.sendToUser("u", "e", long(10240))],
  ["user id of 200 characters", () => Pusher.sendToUser(long(200), "e", "d")],
  ["user id with every allowed character", () => Pusher.terminateUserConnections("AZaz09_-=@,.;")],
  [
    "channels with a presence- prefix and user_count",
    () => Pusher.channels({ filterByPrefix: "presence-", info: ["user_count"] })
  ],
  ["channel with user_count on presence-", () => Pusher.channel("presence-x", { info: ["user_count"] })],
  ["get with params", () => Pusher.get("/channels", { info: "user_count", filter_by_prefix: "presence-" })],
  ["post with a null body", () => Pusher.post("/x", null)],
  ["post without a body", () => Pusher.post("/x")],
  ["get with a param value that needs encoding", () => Pusher.get("/channels", { x: "a b" })],
  ["get with an & in a param value", () => Pusher.get("/channels", { x: "a&auth_key=b" })]
]

const invalid: ReadonlyArray<readonly [string, () => Op, string, Partial<PusherConfig.Options>?]> = [
  ["empty channel", () => Pusher.trigger("", "e", "d"), "channel"],
  ["channel of 201 characters", () => Pusher.trigger(long(201), "e", "d"), "channel"],
  ["channel of 201 characters in an array", () => Pusher.trigger(["ok", long(201)], "e", "d"), "channels[1]"],
  ...[" ", "#", "/", "?", "%", ":", "*", "+", "!", "é", "😀", "\n", "\u0000", "'", "\""].map((ch) =>
    [
      `channel with ${JSON.stringify(ch)}`,
      () => Pusher.trigger(`bad${ch}name`, "e", "d"),
      "channel"
    ] as const
  ),
  ["a non-string channel", () => Pusher.trigger([1 as unknown as string], "e", "d"), "channels[0]"],
  ["#server-to-user- channel", () => Pusher.trigger("#server-to-user-u1", "e", "d"), "channel"],
  ["#server-to-user- channel in a list", () => Pusher.trigger(["a", "#server-to-user-u1"], "e", "d"), "channels[1]"],
  [
    "#server-to-user- channel in a batch",
    () => Pusher.triggerBatch([{ channel: "#server-to-user-u", name: "e", data: 1 }]),
    "events[0].channel"
  ],
  ["no channels", () => Pusher.trigger([], "e", "d"), "channels"],
  ["101 channels", () => Pusher.trigger(channelList(101), "e", "d"), "channels"],
  ["empty event name", () => Pusher.trigger("c", "", "d"), "event"],
  ["event name of 201 characters", () => Pusher.trigger("c", long(201), "d"), "event"],
  ["event name of 100 emoji + 1", () => Pusher.trigger("c", long(100, "😀") + "a", "d"), "event"],
  ...[" 1.2", "1.2 ", "1.2\n", "\n1.2", "1:2", "1.", ".2", "1", "a.b", "1.2.3", "", "１.２", "-1.2"].map((id) =>
    [
      `socket id ${JSON.stringify(id)}`,
      () => Pusher.trigger("c", "e", "d", { socketId: id }),
      "options.socketId"
    ] as const
  ),
  ["data of 10241 ASCII bytes", () => Pusher.trigger("c", "e", long(10241)), "data"],
  ["data of 10241 bytes of 2-byte characters", () => Pusher.trigger("c", "e", long(5120, "é") + "a"), "data"],
  ["data of 10241 bytes of 3-byte characters", () => Pusher.trigger("c", "e", long(3413, "€") + "aa"), "data"],
  ["data of 10241 bytes of emoji", () => Pusher.trigger("c", "e", long(2560, "😀") + "a"), "data"],
  ["object data whose JSON is 10241 bytes", () => Pusher.trigger("c", "e", { a: long(10233) }), "data"],
  ["data over a configured limit of 100", () => Pusher.trigger("c", "e", long(101)), "data", { maxPayloadBytes: 100 }],
  ["data over a configured limit of 20000", () => Pusher.trigger("c", "e", long(20001)), "data", {
    maxPayloadBytes: 20000
  }],
  ["BigInt data", () => Pusher.trigger("c", "e", 1n), "data"],
  ["BigInt nested in data", () => Pusher.trigger("c", "e", { a: [1n] }), "data"],
  ["cyclic data", () => Pusher.trigger("c", "e", cycle), "data"],
  ["undefined data", () => Pusher.trigger("c", "e", undefined), "data"],
  ["function data", () => Pusher.trigger("c", "e", () => 1), "data"],
  ["symbol data", () => Pusher.trigger("c", "e", Symbol("s")), "data"],
  ["unknown info", () => Pusher.trigger("c", "e", "d", { info: ["cache" as Pusher.TriggerInfo] }), "options.info[0]"],
  ["empty info", () => Pusher.trigger("c", "e", "d", { info: [] }), "options.info"],
  ["empty batch", () => Pusher.triggerBatch([]), "events"],
  ["batch of 11", () => Pusher.triggerBatch(batchOf(11)), "events"],
  [
    "batch event with a bad channel",
    () => Pusher.triggerBatch([...batchOf(3), { channel: "a b", name: "e", data: 1 }]),
    "events[3].channel"
  ],
  [
    "batch event with a long name",
    () => Pusher.triggerBatch([{ channel: "c", name: long(201), data: 1 }]),
    "events[0].name"
  ],
  [
    "batch event with a bad socket id",
    () => Pusher.triggerBatch([{ channel: "c", name: "e", data: 1, socketId: "1.2\n" }]),
    "events[0].socketId"
  ],
  [
    "batch event with bad info",
    () => Pusher.triggerBatch([{ channel: "c", name: "e", data: 1, info: ["x" as Pusher.TriggerInfo] }]),
    "events[0].info[0]"
  ],
  [
    "batch event with 10241 bytes",
    () => Pusher.triggerBatch([{ channel: "c", name: "e", data: long(10241) }]),
    "events[0].data"
  ],
  [
    "batch event with BigInt data",
    () => Pusher.triggerBatch([{ channel: "c", name: "e", data: 1n }]),
    "events[0].data"
  ],
  [
    "batch event with undefined data",
    () => Pusher.triggerBatch([...batchOf(1), { channel: "c", name: "e", data: undefined }]),
    "events[1].data"
  ],
  ["batch event that is not an object", () => Pusher.triggerBatch([null as unknown as Pusher.BatchEvent]), "events[0]"],
  [
    "batch that is not an array",
    () => Pusher.triggerBatch({} as unknown as ReadonlyArray<Pusher.BatchEvent>),
    "events"
  ],
  ["sendToUser to an empty user id", () => Pusher.sendToUser("", "e", "d"), "userId"],
  ["sendToUser to a user id of 201 characters", () => Pusher.sendToUser(long(201), "e", "d"), "userId"],
  ["sendToUser to a user id with a space", () => Pusher.sendToUser("a b", "e", "d"), "userId"],
  ["sendToUser to a user id with a slash", () => Pusher.sendToUser("a/b", "e", "d"), "userId"],
  ["sendToUser to a user id with é", () => Pusher.sendToUser("é", "e", "d"), "userId"],
  ["sendToUser with an empty event", () => Pusher.sendToUser("u", "", "d"), "event"],
  ["sendToUser with an event of 201 characters", () => Pusher.sendToUser("u", long(201), "d"), "event"],
  ["sendToUser with data of 10241 bytes", () => Pusher.sendToUser("u", "e", long(10241)), "data"],
  ["sendToUser with BigInt data", () => Pusher.sendToUser("u", "e", 1n), "data"],
  ["terminate an empty user id", () => Pusher.terminateUserConnections(""), "userId"],
  ["terminate a user id of 201 characters", () => Pusher.terminateUserConnections(long(201)), "userId"],
  ["terminate a user id with ?", () => Pusher.terminateUserConnections("a?b"), "userId"],
  ["terminate a user id with /", () => Pusher.terminateUserConnections("../x"), "userId"],
  ["terminate the user id ..", () => Pusher.terminateUserConnections(".."), "userId"],
  ["terminate the user id .", () => Pusher.terminateUserConnections("."), "userId"],
  ["channels with an empty prefix", () => Pusher.channels({ filterByPrefix: "" }), "options.filterByPrefix"],
  ["channels with a bad prefix", () => Pusher.channels({ filterByPrefix: "a&b" }), "options.filterByPrefix"],
  ["channels with user_count and no prefix", () => Pusher.channels({ info: ["user_count"] }), "options.info"],
  [
    "channels with user_count and a private- prefix",
    () => Pusher.channels({ filterByPrefix: "private-", info: ["user_count"] }),
    "options.info"
  ],
  ["channels with unknown info", () => Pusher.channels({ info: ["cache" as "user_count"] }), "options.info[0]"],
  ["channel with a bad name", () => Pusher.channel("a/b"), "name"],
  ["channel with a name of 201 characters", () => Pusher.channel(long(201)), "name"],
  ["channel with #server-to-user-", () => Pusher.channel("#server-to-user-u"), "name"],
  ["channel named ..", () => Pusher.channel(".."), "name"],
  ["channel named .", () => Pusher.channel("."), "name"],
  [
    "channel with user_count on a non-presence channel",
    () => Pusher.channel("a", { info: ["user_count"] }),
    "options.info"
  ],
  ["channel with unknown info", () => Pusher.channel("a", { info: ["members" as "cache"] }), "options.info[0]"],
  ["users of a non-presence channel", () => Pusher.users("private-a"), "name"],
  ["users of a bad channel", () => Pusher.users("presence-a/b"), "name"],
  ["get of /apps/...", () => Pusher.get("/apps/1234/channels"), "path"],
  ["get of a relative path", () => Pusher.get("channels"), "path"],
  ["get of an empty path", () => Pusher.get(""), "path"],
  ["get of a path with ..", () => Pusher.get("/channels/../x"), "path"],
  ["get of a path with a query", () => Pusher.get("/channels?x=1"), "path"],
  ["get of a path with a space", () => Pusher.get("/chan nels"), "path"],
  ["post of /apps/...", () => Pusher.post("/apps/1234/events", {}), "path"],
  ...["auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"].flatMap((name) => [
    [`get with the reserved param ${name}`, () => Pusher.get("/channels", { [name]: "x" }), `params.${name}`] as const,
    [
      `post with the reserved param ${name}`,
      () => Pusher.post("/events", {}, { [name]: "x" }),
      `params.${name}`
    ] as const
  ]),
  ["get with a param name that needs encoding", () => Pusher.get("/channels", { "a=b": "x" }), "params.a=b"],
  ["get with a NaN param", () => Pusher.get("/channels", { x: Number.NaN }), "params.x"],
  ["get with an object param", () => Pusher.get("/channels", { x: {} as string }), "params.x"],
  ["post with a BigInt body", () => Pusher.post("/events", 1n), "body"],
  ["post with a cyclic body", () => Pusher.post("/events", cycle), "body"]
]

describe("Pusher validation (SPEC §5)", () => {
  it.effect.each(valid)("accepts %s", ([, op, options]) => {
    const { recorder, run } = setup(undefined, options)
    return Effect.map(run(op()), () => expect(recorder.requests.length).toBe(1))
  })

  it.effect.each(invalid)("rejects %s before any request", ([, op, field, options]) => {
    const { recorder, run } = setup(undefined, options)
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run(op()))
      expect(error).toBeInstanceOf(PusherError.ValidationError)
      expect(error._tag).toBe("ValidationError")
      expect((error as PusherError.ValidationError).field).toBe(field)
      expect(error.message).toContain(field)
      expect(recorder.requests.length).toBe(0)
    })
  })

  it.effect("never mutates (deep-frozen) caller input", () => {
    const { recorder, run } = setup()
    return Effect.gen(function*() {
      const channels = deepFreeze(["a", "b"])
      const data = deepFreeze({ nested: { list: [1, { x: "y" }] } })
      const options = deepFreeze({ socketId: "1.2", info: ["subscription_count"] as Array<Pusher.TriggerInfo> })
      const batch = deepFreeze([
        {
          channel: "a",
          name: "e",
          data: { x: [1] },
          socketId: "1.2",
          info: ["user_count"] as Array<Pusher.TriggerInfo>
        },
        { channel: "b", name: "e", data: "s" }
      ])
      const params = deepFreeze({ info: ["user_count", "subscription_count"], filter_by_prefix: "presence-" })
      const body = deepFreeze({ name: "e", channels: ["a"], data: "x" })
      const channelsOptions = deepFreeze({ filterByPrefix: "presence-", info: ["user_count"] as Array<"user_count"> })
      const channelOptions = deepFreeze({
        info: ["subscription_count", "cache"] as Array<"subscription_count" | "cache">
      })
      const before = structuredClone({ channels, data, options, batch, params, body, channelsOptions, channelOptions })
      yield* run(Pusher.trigger(channels, "e", data, options))
      yield* run(Pusher.triggerBatch(batch))
      yield* run(Pusher.sendToUser("u", "e", data))
      yield* run(Pusher.get("/channels", params))
      yield* run(Pusher.post("/events", body, params))
      yield* run(Pusher.channels(channelsOptions))
      yield* Effect.result(run(Pusher.channel("a", channelOptions)))
      expect({ channels, data, options, batch, params, body, channelsOptions, channelOptions }).toStrictEqual(before)
      expect(recorder.requests.length).toBe(7)
      expect(recorder.requests[1]!.body).toBe(
        `{"batch":[{"channel":"a","name":"e","data":"{\\"x\\":[1]}","socket_id":"1.2","info":"user_count"},` +
          `{"channel":"b","name":"e","data":"s"}]}`
      )
    })
  })
})

// ---------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------

const expectNoSecret = (error: unknown) => {
  const texts = [
    JSON.stringify(error),
    String(error),
    error instanceof Error ? error.message : "",
    error instanceof Error ? String(error.stack) : "",
    inspect(error, { depth: 10 }),
    String(Result.fail(error)),
    inspect(Result.fail(error), { depth: 10 }),
    Cause.pretty(Cause.fail(error))
  ]
  for (const text of texts) expect(text).not.toContain(secret)
}

describe("Pusher errors", () => {
  const statuses: ReadonlyArray<readonly [number, PusherError.HttpErrorReason]> = [
    [400, "BadRequest"],
    [401, "Unauthorized"],
    [403, "Forbidden"],
    [404, "NotFound"],
    [413, "PayloadTooLarge"],
    [429, "TooManyRequests"],
    [500, "ServerError"],
    [503, "ServerError"],
    [418, "UnexpectedStatus"],
    [302, "UnexpectedStatus"]
  ]

  it.effect.each(statuses)("status %i is an HttpError %s carrying the body", ([status, reason]) => {
    const { recorder, run } = setup(() => ({ status, body: `refused: ${status}` }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run(Pusher.trigger("c", "e", "d")))
      expect(error).toBeInstanceOf(PusherError.HttpError)
      expect(error).toMatchObject({
        _tag: "HttpError",
        reason,
        status,
        method: "POST",
        path: "/events",
        body: `refused: ${status}`
      })
      expect(error.message).toContain(`refused: ${status}`)
      expect(recorder.requests.length).toBe(1)
      expectNoSecret(error)
    })
  })

  it.effect("an error status on a GET names GET and its path", () => {
    const { run } = setup(() => ({ status: 400, body: "Unknown channel type" }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run(Pusher.users("presence-a")))
      expect(error).toMatchObject({
        _tag: "HttpError",
        reason: "BadRequest",
        method: "GET",
        path: "/channels/presence-a/users"
      })
    })
  })

  it.effect("soketi's 200 {error, code} is an HttpError of that code", () => {
    const body = `{"error":"The data content of this event exceeds the allowed maximum (10 kb).","code":413}`
    const { run } = setup(() => ({ status: 200, body }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run(Pusher.trigger("c", "e", "d")))
      expect(error).toMatchObject({ _tag: "HttpError", reason: "PayloadTooLarge", status: 413, body })
      const other = yield* Effect.flip(
        setup(() => ({ body: `{"error":"nope","code":499}` })).run(Pusher.channels())
      )
      expect(other).toMatchObject({ _tag: "HttpError", reason: "UnexpectedStatus", status: 499 })
      const outOfRange = yield* Effect.flip(
        setup(() => ({ body: `{"error":"nope","code":200}` })).run(Pusher.channels())
      )
      expect(outOfRange).toMatchObject({ _tag: "HttpError", reason: "BadRequest", status: 400 })
      // Not soketi's shape (the code is not a number): a body like any other, which /channels cannot decode.
      const notSoketi = yield* Effect.flip(
        setup(() => ({ body: `{"error":"nope","code":"x"}` })).run(Pusher.channels())
      )
      expect(notSoketi).toMatchObject({ _tag: "DecodeError" })
      expectNoSecret(error)
    })
  })

  it.effect("soketi's success answer {\"ok\": true} is a success", () => {
    const { run } = setup(() => ({ body: `{"ok":true}` }))
    return Effect.gen(function*() {
      expect(yield* run(Pusher.trigger("c", "e", "d"))).toStrictEqual({})
      expect(yield* run(Pusher.triggerBatch(batchOf(2)))).toStrictEqual({})
      expect(yield* run(Pusher.sendToUser("u", "e", "d"))).toBeUndefined()
      expect(yield* run(Pusher.terminateUserConnections("u"))).toBeUndefined()
      expect(yield* run(Pusher.post("/events", {}))).toStrictEqual({ ok: true })
    })
  })

  it.effect("a 200 body that is not JSON is a DecodeError", () => {
    const { run } = setup(() => ({ body: "<html>hello</html>" }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run(Pusher.trigger("c", "e", "d")))
      expect(error).toBeInstanceOf(PusherError.DecodeError)
      expect(error).toMatchObject({ method: "POST", path: "/events", status: 200, body: "<html>hello</html>" })
      expectNoSecret(error)
    })
  })

  const mismatches: ReadonlyArray<readonly [string, () => Op, string]> = [
    ["channels", () => Pusher.channels(), `{"channels":5}`],
    ["channels without channels", () => Pusher.channels(), `{}`],
    ["channel", () => Pusher.channel("a"), `{"occupied":"yes"}`],
    ["channel with a negative count", () => Pusher.channel("a"), `{"occupied":true,"subscription_count":-1}`],
    ["users", () => Pusher.users("presence-a"), `{"users":[{"id":1}]}`],
    ["trigger", () => Pusher.trigger("c", "e", "d"), `{"channels":{"c":{"user_count":"many"}}}`],
    ["triggerBatch", () => Pusher.triggerBatch(batchOf(1)), `{"batch":{}}`],
    ["channel with an empty body", () => Pusher.channel("a"), ``]
  ]

  it.effect("an empty 2xx body answers like {} (a 204, a proxy)", () => {
    const { run } = setup(() => ({ body: "" }))
    return Effect.gen(function*() {
      yield* run(Pusher.sendToUser("ada", "e", 1))
      yield* run(Pusher.terminateUserConnections("ada"))
      expect(yield* run(Pusher.get("/channels"))).toEqual({})
      expect(yield* run(Pusher.trigger("c", "e", 1))).toEqual({})
    })
  })

  it.effect.each(mismatches)("a %s answer that does not match the schema is a DecodeError", ([, op, body]) => {
    const { run } = setup(() => ({ body }))
    return Effect.gen(function*() {
      const error = yield* Effect.flip(run(op()))
      expect(error).toBeInstanceOf(PusherError.DecodeError)
      expect((error as PusherError.DecodeError).body).toBe(body)
      expect((error as PusherError.DecodeError).issue.length).toBeGreaterThan(0)
    })
  })

  it.effect("a failing client is a TransportError Network", () => {
    const client = makeFailingClient()
    return Effect.gen(function*() {
      yield* TestClock.setTime(timestamp * 1000)
      const error = yield* Effect.flip(Pusher.trigger("c", "e", "d"))
      expect(error).toBeInstanceOf(PusherError.TransportError)
      expect(error).toMatchObject({ reason: "Network", method: "POST", path: "/events" })
      expect(error.message).toContain("ECONNREFUSED")
      expect(client.calls()).toBe(1)
      expectNoSecret(error)
    }).pipe(Effect.provide(Layer.merge(client.layer, PusherConfig.layer({ appId, key, secret }))))
  })

  it.effect("a client that never answers is a TransportError Timeout after the configured timeout", () => {
    const client = makeSilentClient()
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Pusher.channels())
      yield* TestClock.adjust(Duration.millis(2_499))
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(Duration.millis(1))
      const exit = yield* Fiber.await(fiber)
      expect(Exit.isFailure(exit)).toBe(true)
      const error = yield* Effect.flip(exit)
      expect(error).toBeInstanceOf(PusherError.TransportError)
      expect(error).toMatchObject({ reason: "Timeout", method: "GET", path: "/channels" })
      expect(error.message).toContain("2s 500ms")
      expect(client.calls()).toBe(1)
      expectNoSecret(error)
    }).pipe(
      Effect.provide(Layer.merge(client.layer, PusherConfig.layer({ appId, key, secret, timeout: "2500 millis" })))
    )
  })

  it.effect("the default timeout is 10 seconds", () => {
    const client = makeSilentClient()
    return Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(Pusher.trigger("c", "e", "d"))
      yield* TestClock.adjust(Duration.millis(9_999))
      expect(fiber.pollUnsafe()).toBeUndefined()
      yield* TestClock.adjust(Duration.millis(1))
      const error = yield* Effect.flip(Fiber.join(fiber))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
    }).pipe(Effect.provide(Layer.merge(client.layer, PusherConfig.layer({ appId, key, secret }))))
  })

  it("no synchronously run failure prints the secret", () => {
    const client = makeFailingClient()
    const layer = Layer.merge(client.layer, PusherConfig.layer({ appId, key, secret }))
    const failures: ReadonlyArray<Op> = [
      Pusher.trigger("bad channel", "e", "d"),
      Pusher.triggerBatch([]),
      Pusher.get("/channels", { auth_key: "x" }),
      Pusher.post("/events", 1n),
      Pusher.trigger("c", "e", "d"),
      Pusher.channels()
    ]
    for (const op of failures) {
      const result = Effect.runSync(Effect.result(Effect.provide(op, layer)))
      expect(Result.isFailure(result)).toBe(true)
      const printed = [String(result), JSON.stringify(result), inspect(result, { depth: 10 })]
      for (const text of printed) expect(text).not.toContain(secret)
      expectNoSecret(Result.getFailure(result).pipe(Option.getOrThrow))
    }
    expect(client.calls()).toBe(2)
  })
})
