import { Pusher, PusherRetry } from "@effect-pusher/core"
import { NodePusher } from "@effect-pusher/platform-node"
import { assert, describe, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as TestServer from "./utils/server.js"

// Retries and Retry-After over a real loopback server (127.0.0.1), with the lean client and a stock one.

type Fault = { readonly status: number; readonly headers?: Record<string, string> } | "reset"

/** Answers the n-th request with the n-th fault, then as Channels would (`200`). */
const faultServer = (faults: ReadonlyArray<Fault>) => {
  let served = 0
  return TestServer.serve((_, response) => {
    const fault = faults[served++]
    if (fault === "reset") {
      response.socket?.destroy()
      return
    }
    const status = fault?.status ?? 200
    response.writeHead(status, { "content-type": "application/json", ...fault?.headers })
    response.end(status === 200 ? `{"channels":{},"occupied":false}` : `{"error":"fault ${status}"}`)
  })
}

const options = (port: number) => ({
  appId: "42",
  key: "key",
  secret: "secret",
  host: "127.0.0.1",
  port,
  useTLS: false
})

const clients = {
  lean: (port: number) => NodePusher.layer(options(port)),
  fetch: (port: number) => Layer.merge(NodePusher.layerWithoutHttpClient(options(port)), FetchHttpClient.layer)
}

const quick: PusherRetry.Policy = { schedule: Schedule.spaced("5 millis").pipe(Schedule.upTo({ times: 5 })) }

describe("retries over a loopback fault server", () => {
  for (const [name, client] of Object.entries(clients)) {
    it.live(`${name}: a read retries 500, 502, a reset and a 503 with Retry-After, then succeeds`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer([
          { status: 500 },
          { status: 502 },
          "reset",
          { status: 503, headers: { "retry-after": "0" } }
        ])
        const result = yield* Pusher.channels().pipe(
          Effect.provide(Layer.merge(client(server.port), PusherRetry.layer(quick)))
        )
        assert.deepStrictEqual(result, { channels: {} })
        assert.strictEqual(server.seen.length, 5)
      }))

    it.live(`${name}: a 429's and a 503's Retry-After reach HttpError.retryAfter`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer([
          { status: 429, headers: { "retry-after": "7" } },
          { status: 503, headers: { "retry-after": new Date(Date.now() + 120_000).toUTCString() } }
        ])
        const layer = client(server.port)
        const first = yield* Effect.flip(Effect.provide(Pusher.channel("a"), layer))
        assert.deepStrictEqual(first._tag === "HttpError" && first.retryAfter, Duration.seconds(7))
        const second = yield* Effect.flip(Effect.provide(Pusher.channel("a"), layer))
        // The date form, from the client's clock: about two minutes.
        const millis = second._tag === "HttpError" && second.retryAfter !== undefined
          ? Duration.toMillis(second.retryAfter)
          : -1
        assert.isTrue(millis > 100_000 && millis <= 120_000, `${millis}`)
      }))

    it.live(`${name}: writes are not retried by a reads-only policy, and are under writes: true`, () =>
      Effect.gen(function*() {
        const server = yield* faultServer([{ status: 500 }, "reset"])
        const layer = Layer.merge(client(server.port), PusherRetry.layer(quick))
        const error = yield* Effect.flip(Effect.provide(Pusher.trigger("a", "e", 1), layer))
        assert.strictEqual(error._tag === "HttpError" && error.status, 500)
        assert.strictEqual(server.seen.length, 1)
        // The reset is retried: the event reaches the server twice (at least once).
        yield* Effect.provide(PusherRetry.withPolicy(Pusher.trigger("a", "e", 1), { ...quick, writes: true }), layer)
        assert.strictEqual(server.seen.length, 3)
      }))
  }
})
