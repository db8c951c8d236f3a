import { PusherHttpClient } from "@effect-pusher/core"
import { NodePusher, NodePusherHttpClient } from "@effect-pusher/platform-node"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as UrlParams from "effect/http/UrlParams"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Undici from "undici"
import * as TestServer from "./utils/server.js"

const { serve } = TestServer
type Reply = TestServer.Reply

const json = (status: number, body: string, headers: Record<string, string> = {}): Reply => (_, response) => {
  response.writeHead(status, { "content-type": "application/json", ...headers })
  response.end(body)
}

const never: Reply = () => {}

/** Waits (in real time) until `check` holds, for at most about two seconds. */
const eventually = (check: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !check(); i++) yield* Effect.sleep("10 millis")
    return check()
  })

const client = NodePusherHttpClient.make

/** Where a `ConfigError` points: the path of its Schema issue (the option's name). */
const pathOf = (error: Config.ConfigError): ReadonlyArray<PropertyKey> | undefined =>
  Schema.isSchemaError(error.cause) && error.cause.issue._tag === "Pointer" ? error.cause.issue.path : undefined

describe("NodePusherHttpClient", () => {
  it.effect("says that it enforces its timeout (PusherHttpClient.deadline), and only when it has one", () =>
    Effect.gen(function*() {
      assert.isTrue(Option.isNone(PusherHttpClient.deadline(yield* client())))
      assert.deepStrictEqual(
        PusherHttpClient.deadline(yield* client({ timeout: "3 seconds" })),
        Option.some(Duration.seconds(3))
      )
    }))

  it.live("sends the method, path, query, headers and body, and exposes every body accessor", () =>
    Effect.gen(function*() {
      const server = yield* serve(json(201, `{"a":[1,2]}`, { "set-cookie": "session=abc; Path=/", "x-extra": "yes" }))
      const http = yield* client()
      const response = yield* http.execute(
        HttpClientRequest.post(`${server.origin}/apps/1/events?x=1&y=a,b`).pipe(
          HttpClientRequest.setHeader("x-pusher-library", "test"),
          HttpClientRequest.bodyText(`{"name":"e"}`, "application/json")
        )
      )
      assert.strictEqual(response.status, 201)
      assert.strictEqual(response.headers["x-extra"], "yes")
      assert.strictEqual(response.cookies.cookies["session"]?.value, "abc")
      assert.strictEqual(yield* response.text, `{"a":[1,2]}`)
      assert.deepStrictEqual(yield* response.json, { a: [1, 2] })
      assert.strictEqual(new TextDecoder().decode(yield* response.arrayBuffer), `{"a":[1,2]}`)
      const streamed = yield* Stream.runCollect(response.stream)
      assert.strictEqual(new TextDecoder().decode(streamed[0]), `{"a":[1,2]}`)
      const seen = server.seen[0]!
      assert.strictEqual(seen.method, "POST")
      assert.strictEqual(seen.url, "/apps/1/events?x=1&y=a,b")
      assert.strictEqual(seen.headers["x-pusher-library"], "test")
      assert.strictEqual(seen.headers["content-type"], "application/json")
      assert.strictEqual(seen.body, `{"name":"e"}`)
    }))

  it.live("decodes url-encoded and multipart bodies, and an empty body as null JSON", () =>
    Effect.gen(function*() {
      const server = yield* serve((seen, response) => {
        if (seen.url === "/form") {
          response.writeHead(200, { "content-type": "application/x-www-form-urlencoded" })
          response.end("a=1&b=two")
        } else if (seen.url === "/multipart") {
          response.writeHead(200, { "content-type": "multipart/form-data; boundary=XX" })
          response.end(`--XX\r\nContent-Disposition: form-data; name="f"\r\n\r\nvalue\r\n--XX--\r\n`)
        } else {
          response.writeHead(204)
          response.end()
        }
      })
      const http = yield* client()
      const form = yield* http.get(`${server.origin}/form`)
      assert.deepStrictEqual(UrlParams.toRecord(yield* form.urlParamsBody), { a: "1", b: "two" })
      const multipart = yield* http.get(`${server.origin}/multipart`)
      assert.strictEqual((yield* multipart.formData).get("f"), "value")
      const empty = yield* http.get(`${server.origin}/empty`)
      assert.strictEqual(empty.status, 204)
      assert.strictEqual(yield* empty.json, null)
      assert.strictEqual((yield* Stream.runCollect(empty.stream)).length, 0)
    }))

  it.live("reuses kept-alive connections, up to `connections` per origin", () =>
    Effect.gen(function*() {
      const server = yield* serve(json(200, "{}"))
      const one = yield* client({ connections: 1 })
      for (let i = 0; i < 10; i++) yield* one.get(`${server.origin}/seq`)
      assert.strictEqual(server.connections(), 1)
      const three = yield* client({ connections: 3 })
      yield* Effect.forEach(Array.from({ length: 30 }), () => three.get(`${server.origin}/par`), {
        concurrency: 10,
        discard: true
      })
      assert.strictEqual(server.seen.length, 40)
      assert.isAtMost(server.connections(), 1 + 3)
    }))

  it.live("interruption aborts the request: the server sees the connection close", () =>
    Effect.gen(function*() {
      const server = yield* serve(never)
      const http = yield* client()
      const fiber = yield* Effect.forkChild(http.get(`${server.origin}/slow`))
      assert.isTrue(yield* eventually(() => server.seen.length === 1))
      yield* Fiber.interrupt(fiber)
      assert.isTrue(yield* eventually(() => server.aborted() === 1))
      const timedOut = yield* http.get(`${server.origin}/slow`).pipe(Effect.timeout("50 millis"), Effect.exit)
      assert.isTrue(Exit.isFailure(timedOut) && Cause.hasFails(timedOut.cause))
      assert.isTrue(yield* eventually(() => server.aborted() === 2))
    }))

  it.live("the timeout option fails with a TransportError and aborts the request", () =>
    Effect.gen(function*() {
      const server = yield* serve(never)
      const http = yield* client({ timeout: "100 millis" })
      const error = yield* Effect.flip(http.get(`${server.origin}/slow`))
      assert.strictEqual(error.reason._tag, "TransportError")
      assert.isTrue(Cause.isTimeoutError(error.reason.cause))
      assert.isTrue(yield* eventually(() => server.aborted() === 1))
    }))

  it.live("a refused connection is a TransportError naming the cause", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.scoped(serve(never))
      const http = yield* client()
      const error = yield* Effect.flip(http.get(`${closed.origin}/x`))
      assert.strictEqual(error.reason._tag, "TransportError")
      assert.include(error.reason.description, "ECONNREFUSED")
    }))

  it.live("a body over maxResponseBytes fails with a DecodeError, declared or chunked", () =>
    Effect.gen(function*() {
      const big = "x".repeat(5000)
      const server = yield* serve((seen, response) => {
        if (seen.url === "/declared") {
          response.writeHead(200, { "content-length": String(big.length) })
          response.end(big)
        } else {
          response.writeHead(200)
          response.write(big.slice(0, 600))
          setTimeout(() => response.end(big.slice(600)), 10)
        }
      })
      const http = yield* client({ maxResponseBytes: 1000 })
      for (const path of ["/declared", "/chunked"]) {
        const error = yield* Effect.flip(http.get(`${server.origin}${path}`))
        assert.strictEqual(error.reason._tag, "DecodeError")
        assert.include(error.reason.description, "maxResponseBytes")
      }
      const small = yield* (yield* client({ maxResponseBytes: 5000 })).get(`${server.origin}/declared`)
      assert.strictEqual((yield* small.text).length, 5000)
    }))

  it.live("filterStatusOk, retryTransient, mapRequest, matchStatus and schemaBodyJson work on it", () =>
    Effect.gen(function*() {
      let calls = 0
      const server = yield* serve((seen, response) => {
        if (seen.url === "/flaky" && ++calls < 3) return json(503, `{"error":"busy"}`)(seen, response)
        if (seen.url === "/missing") return json(404, `{"error":"nope"}`)(seen, response)
        json(200, `{"count":3}`)(seen, response)
      })
      const base = yield* client()
      const http = base.pipe(
        HttpClient.mapRequest(HttpClientRequest.prependUrl(server.origin)),
        HttpClient.mapRequest(HttpClientRequest.setHeader("x-mapped", "1")),
        HttpClient.filterStatusOk
      )
      const missing = yield* Effect.flip(http.get("/missing"))
      assert.isTrue(HttpClientError.isHttpClientError(missing))
      assert.strictEqual(missing.reason._tag, "StatusCodeError")

      const retrying = http.pipe(HttpClient.retryTransient({ times: 3 }))
      const decoded = yield* retrying.get("/flaky").pipe(
        Effect.flatMap(HttpClientResponse.schemaBodyJson(Schema.Struct({ count: Schema.Number })))
      )
      assert.deepStrictEqual(decoded, { count: 3 })
      assert.strictEqual(calls, 3)
      assert.isTrue(server.seen.every((seen) => seen.headers["x-mapped"] === "1"))

      const matched = yield* base.get(`${server.origin}/missing`).pipe(
        Effect.flatMap(HttpClientResponse.matchStatus({
          "2xx": () => Effect.succeed("ok"),
          404: (response) => Effect.map(response.json, (body) => `missing ${JSON.stringify(body)}`),
          orElse: () => Effect.succeed("other")
        }))
      )
      assert.strictEqual(matched, `missing {"error":"nope"}`)
    }))

  it.live("closing the layer's scope closes its connections", () =>
    Effect.gen(function*() {
      const server = yield* serve(json(200, "{}"))
      yield* Effect.scoped(
        Effect.gen(function*() {
          const http = yield* client({ keepAliveTimeout: 60_000 })
          yield* http.get(`${server.origin}/one`)
          assert.strictEqual(server.closed(), 0)
        })
      )
      assert.isTrue(yield* eventually(() => server.closed() === 1))
    }))
})

describe("options (issue 13 §2): a bad option fails the layer's build with a ConfigError naming it", () => {
  const app = { appId: 1, key: "key", secret: "secret" }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped callers
  const untyped = (value: unknown): any => value
  const throwing = () =>
    Object.defineProperty({}, "timeout", {
      enumerable: true,
      get: () => {
        throw new Error("boom")
      }
    })
  it.each(
    [
      ["timeout banana", () => ({ timeout: "banana" }), "timeout"],
      ["timeout 0", () => ({ timeout: 0 }), "timeout"],
      ["connections -1", () => ({ connections: -1 }), "connections"],
      ["keepAliveTimeout -1", () => ({ keepAliveTimeout: -1 }), "keepAliveTimeout"],
      ["maxResponseBytes -1", () => ({ maxResponseBytes: -1 }), "maxResponseBytes"],
      ["connectTimeout 1.5", () => ({ connectTimeout: 1.5 }), "connectTimeout"],
      ["headersTimeout -1", () => ({ headersTimeout: -1 }), "headersTimeout"],
      ["http.Agent's maxSockets", () => ({ maxSockets: 8 }), "maxSockets"],
      ["a misspelled key", () => ({ conections: 8 }), "conections"],
      ["a throwing getter", throwing, "options"]
    ] as const
  )("%s", async (_, make, field) => {
    const options = make()
    const exit = await Effect.runPromiseExit(
      Effect.scoped(Layer.build(NodePusher.layer(app, untyped(options))))
    )
    assert(Exit.isFailure(exit) && !Cause.hasDies(exit.cause))
    const error = Cause.findErrorOption(exit.cause)
    assert(error._tag === "Some" && error.value._tag === "ConfigError")
    expect(pathOf(error.value)).toEqual([field])
  })

  it("makeWithDispatcher answers a Result; headersTimeout 0 (off) is accepted", () => {
    const agent = new Undici.MockAgent()
    expect(Result.isFailure(NodePusherHttpClient.makeWithDispatcher(agent, untyped({ timeout: "banana" })))).toBe(true)
    expect(Result.isSuccess(NodePusherHttpClient.makeWithDispatcher(agent, { headersTimeout: 0 }))).toBe(true)
  })

  it("makeWithDispatcher points connection options at the dispatcher, not at a key it refuses too", () => {
    const agent = new Undici.MockAgent()
    for (const key of ["connections", "maxSockets", "keepAliveTimeout"]) {
      const made = NodePusherHttpClient.makeWithDispatcher(agent, untyped({ [key]: 8 }))
      expect(Result.isFailure(made) && String(made.failure)).toContain(
        `${key} is not a known key: use the dispatcher's own options`
      )
    }
    const size = NodePusherHttpClient.makeWithDispatcher(agent, untyped({ maxBodyBytes: 8 }))
    expect(Result.isFailure(size) && String(size.failure)).toContain("use maxResponseBytes")
  })
})
