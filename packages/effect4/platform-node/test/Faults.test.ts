/**
 * Big and odd answers (issue 13 §5): the same typed error with the lean client and with the stock clients
 * (fetch, `NodeHttpClient.layerUndici`) for every fault of the fault server, and a bounded heap for 50 MB
 * error answers.
 */
import { Pusher, PusherHttpClient } from "@effect-pusher/core"
import type { PusherError } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import * as FaultServer from "./utils/faultServer.js"

const { faults, fiftyMegabytes } = FaultServer
type Fault = FaultServer.Fault

const options = (port: number, timeout: Duration.Input) => ({
  appId: "42",
  key: "key",
  secret: "secret",
  host: "127.0.0.1",
  port,
  useTLS: false,
  timeout
})

const clients = {
  lean: (port: number, timeout: Duration.Input) => NodePusher.layer(options(port, timeout)),
  fetch: (port: number, timeout: Duration.Input) =>
    Layer.merge(NodePusher.layerWithoutHttpClient(options(port, timeout)), FetchHttpClient.layer),
  undici: (port: number, timeout: Duration.Input) =>
    Layer.merge(NodePusher.layerWithoutHttpClient(options(port, timeout)), NodeHttpClient.layerUndici)
}
const names = ["lean", "fetch", "undici"] as const

/** What a test compares of an error: everything but the method, path and free-text descriptions. */
const shape = (error: PusherError.PusherError) => {
  switch (error._tag) {
    case "HttpError":
      return {
        _tag: error._tag,
        reason: error.reason,
        status: error.status,
        body: error.body,
        total: error.totalLength
      }
    case "DecodeError":
      return { _tag: error._tag, status: error.status, body: error.body, total: error.totalLength }
    case "TransportError":
      return { _tag: error._tag, reason: error.reason }
    default:
      return { _tag: error._tag }
  }
}

// Generous for answers that come at once (the machine may be loaded); short where waiting is the point.
const generous = "20 seconds"
const short = "600 millis"
const excerpt = "x".repeat(PusherHttpClient.maxErrorBodyBytes)
const megabyte = 1024 * 1024

const cases: ReadonlyArray<readonly [string, Fault, Duration.Input, ReturnType<typeof shape>]> = [
  ["500", faults.serverError, generous, {
    _tag: "HttpError",
    reason: "ServerError",
    status: 500,
    body: "Internal Server Error",
    total: 21
  }],
  ["502", faults.badGateway, generous, {
    _tag: "HttpError",
    reason: "ServerError",
    status: 502,
    body: "<h1>502</h1>",
    total: 12
  }],
  ["503 with Retry-After", faults.unavailable(3), generous, {
    _tag: "HttpError",
    reason: "ServerError",
    status: 503,
    body: "Service Unavailable",
    total: 19
  }],
  ["429 with Retry-After", faults.tooManyRequests(2), generous, {
    _tag: "HttpError",
    reason: "TooManyRequests",
    status: 429,
    body: "Too Many Requests",
    total: 17
  }],
  ["a connection reset", faults.reset, generous, { _tag: "TransportError", reason: "Network" }],
  ["no answer", faults.never, short, { _tag: "TransportError", reason: "Timeout" }],
  ["a body trickling past the timeout", faults.trickle(`{"a":"${"b".repeat(200)}"}`, 50), short, {
    _tag: "TransportError",
    reason: "Timeout"
  }],
  ["a 50 MB 200 answer, declared", faults.big(200, true), generous, {
    _tag: "TransportError",
    reason: "ResponseTooLarge"
  }],
  ["a 50 MB 200 answer, chunked", faults.big(200, false), generous, {
    _tag: "TransportError",
    reason: "ResponseTooLarge"
  }],
  ["a 50 MB 500 answer, declared", faults.big(500, true), generous, {
    _tag: "HttpError",
    reason: "ServerError",
    status: 500,
    body: excerpt,
    total: fiftyMegabytes
  }],
  ["a 50 MB 500 answer, chunked", faults.big(500, false), generous, {
    _tag: "HttpError",
    reason: "ServerError",
    status: 500,
    body: excerpt,
    total: undefined
  }],
  ["a 1 MB 200 answer that is not JSON, declared", faults.big(200, true, megabyte), generous, {
    _tag: "DecodeError",
    status: 200,
    body: excerpt,
    total: megabyte
  }],
  ["a 1 MB 200 answer that is not JSON, chunked", faults.big(200, false, megabyte), generous, {
    _tag: "DecodeError",
    status: 200,
    body: excerpt,
    total: megabyte
  }],
  ["a 302", faults.redirect(), generous, {
    _tag: "HttpError",
    reason: "UnexpectedStatus",
    status: 302,
    body: "moved",
    total: 5
  }],
  ["a 307", faults.redirect("/redirected", 307), generous, {
    _tag: "HttpError",
    reason: "UnexpectedStatus",
    status: 307,
    body: "moved",
    total: 5
  }]
]

describe("big and odd answers, with the lean client and the stock clients", () => {
  for (const [name, fault, timeout, expected] of cases) {
    it.live(`${name}: ${JSON.stringify({ ...expected, body: expected.body?.slice(0, 30) })}`, () =>
      Effect.gen(function*() {
        const server = yield* FaultServer.serve(fault)
        for (const client of names) {
          const error = yield* Pusher.trigger("orders", "created", { id: 1 }).pipe(
            Effect.flip,
            Effect.provide(clients[client](server.port, timeout))
          )
          assert.deepStrictEqual({ client, ...shape(error) }, { client, ...expected })
        }
        // A redirect is never followed: only the signed requests themselves reached the server.
        assert.deepStrictEqual(server.seen.map((seen) => seen.url.split("?")[0]), names.map(() => "/apps/42/events"))
      }))
  }

  it.live("an answer that trickles in within the timeout is read whole, as a chunked one", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.serve(faults.trickle(`{"channels":{"a":{}}}`, 2, 3))
      for (const client of names) {
        const channels = yield* Pusher.channels().pipe(Effect.provide(clients[client](server.port, generous)))
        assert.deepStrictEqual(channels, { channels: { a: {} } })
      }
    }))

  it.live("a refused answer's connection is closed, not drained to be kept alive", () =>
    Effect.gen(function*() {
      for (const client of names) {
        for (const big of [faults.big(500, false), faults.big(200, true)]) {
          const server = yield* FaultServer.serve(
            faults.ok(),
            (seen) => seen.url.startsWith("/apps/42/big") ? big : faults.ok()
          )
          const context = yield* Layer.build(clients[client](server.port, generous))
          yield* Pusher.get("/small").pipe(Effect.provide(context))
          // A whole answer leaves its connection open for the next request.
          assert.deepStrictEqual([client, server.connections(), server.closed()], [client, 1, 0])
          yield* Effect.flip(Pusher.get("/big").pipe(Effect.provide(context)))
          for (let i = 0; i < 250 && server.closed() === 0; i++) yield* Effect.sleep("20 millis")
          assert.deepStrictEqual([client, server.closed()], [client, 1])
        }
      }
    }))
})

// `global.gc` without starting Node with --expose-gc.
V8.setFlagsFromString("--expose-gc")
const gc: () => void = Vm.runInNewContext("gc")

/** Heap growth, in bytes, while `errors` are held. */
const heapGrowth = <A, E, R>(collect: Effect.Effect<ReadonlyArray<A>, E, R>) =>
  Effect.gen(function*() {
    gc()
    const before = process.memoryUsage().heapUsed
    const errors = yield* collect
    gc()
    const after = process.memoryUsage().heapUsed
    return { growth: after - before, errors }
  })

describe("memory", () => {
  it.live("errors from 50 MB answers hold an excerpt, not the answer: heap growth bounded", () =>
    Effect.gen(function*() {
      const server = yield* FaultServer.serve(faults.big(500, true))
      const served = yield* FaultServer.serve(faults.big(500, false))
      const perClient = 2
      for (const client of names) {
        const { errors, growth } = yield* heapGrowth(
          Effect.forEach(
            [server, served, server, served].slice(0, 2 * perClient),
            (s) => Effect.flip(Pusher.get("/big").pipe(Effect.provide(clients[client](s.port, generous))))
          )
        )
        assert.strictEqual(errors.length, 2 * perClient)
        assert.isTrue(errors.every((error) => error._tag === "HttpError" && error.body.length === excerpt.length))
        // Kept whole, 4 answers of 50 MB would add 200 MB; the excerpts add 16 KiB. 16 MiB is a generous bound
        // for what a connection pool and a fresh layer leave behind.
        assert.isBelow(growth, 16 * megabyte, `${client}: heap grew by ${growth} bytes`)
      }
    }))
})
