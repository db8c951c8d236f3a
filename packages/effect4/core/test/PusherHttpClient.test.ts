import { Pusher, PusherConfig, PusherHttpClient } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"

const config = PusherConfig.layer({ appId: "1", key: "k", secret: "s", timeout: "2 seconds" })

const silent = HttpClient.make(() => Effect.never)

/** Runs `Pusher.channels()` with `client` and says whether it has ended once the configured timeout passed. */
const endedAfterTimeout = (client: HttpClient.HttpClient) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Pusher.channels())
    yield* TestClock.adjust(Duration.seconds(3))
    const ended = fiber.pollUnsafe() !== undefined
    yield* Fiber.interrupt(fiber)
    return ended
  }).pipe(Effect.provide(Layer.merge(config, Layer.succeed(HttpClient.HttpClient, client))))

describe("PusherHttpClient", () => {
  it.effect("withDeadline marks a copy that sends as the original does; the original stays unmarked", () =>
    Effect.gen(function*() {
      const sent: Array<string> = []
      const client = HttpClient.make((request) =>
        Effect.sync(() => {
          sent.push(request.url)
          return HttpClientResponse.fromWeb(request, new Response("ok", { status: 201 }))
        })
      )
      const marked = PusherHttpClient.withDeadline(client, "5 seconds")
      const piped = client.pipe(PusherHttpClient.withDeadline(Duration.millis(10)))
      expect(PusherHttpClient.deadline(marked)).toStrictEqual(Option.some(Duration.seconds(5)))
      expect(PusherHttpClient.deadline(piped)).toStrictEqual(Option.some(Duration.millis(10)))
      expect(Option.isNone(PusherHttpClient.deadline(client))).toBe(true)
      // A derived client is a new client: it is timed by the operations again.
      expect(Option.isNone(PusherHttpClient.deadline(HttpClient.mapRequest(marked, (r) => r)))).toBe(true)
      const response = yield* marked.execute(HttpClientRequest.get("http://h/x"))
      expect(response.status).toBe(201)
      expect(sent).toStrictEqual(["http://h/x"])
    }))

  it.effect("operations start no timer for a client that enforces exactly the configured timeout", () =>
    Effect.gen(function*() {
      expect(yield* endedAfterTimeout(silent)).toBe(true)
      expect(yield* endedAfterTimeout(PusherHttpClient.withDeadline(silent, "1 second"))).toBe(true)
      expect(yield* endedAfterTimeout(PusherHttpClient.withDeadline(silent, "2 seconds"))).toBe(false)
    }))

  it.effect("withDeadline of what breaks the timeout's rule never throws: operations fail with a ValidationError", () =>
    Effect.gen(function*() {
      const sent: Array<string> = []
      const client = HttpClient.make((request) =>
        Effect.sync(() => {
          sent.push(request.url)
          return HttpClientResponse.fromWeb(request, new Response(`{"channels":{}}`, { status: 200 }))
        })
      )
      const bad: ReadonlyArray<unknown> = ["banana", null, undefined, {}, -1, Number.NaN, 0, "-5 seconds", Infinity]
      for (const deadline of bad) {
        const marked = PusherHttpClient.withDeadline(client, deadline as Duration.Input)
        const piped = client.pipe(PusherHttpClient.withDeadline(deadline as Duration.Input))
        for (const each of [marked, piped]) {
          // A deadline that broke its rule is none: it is not read as zero, nor as the configured timeout.
          expect(Option.isNone(PusherHttpClient.deadline(each))).toBe(true)
          const result = yield* Effect.result(
            Pusher.channels().pipe(Effect.provide(Layer.merge(config, Layer.succeed(HttpClient.HttpClient, each))))
          )
          expect(Result.isFailure(result) && result.failure._tag === "ValidationError" && result.failure.field)
            .toBe("PusherHttpClient.withDeadline")
        }
      }
      expect(sent).toStrictEqual([])
      // The same client with a good deadline sends.
      yield* Pusher.channels().pipe(
        Effect.provide(
          Layer.merge(config, Layer.succeed(HttpClient.HttpClient, PusherHttpClient.withDeadline(client, "2 seconds")))
        )
      )
      expect(sent.length).toBe(1)
    }))
})
