import { Pusher, PusherBatching, PusherConfig, PusherRetry } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as TestClock from "effect/testing/TestClock"
import * as Tracer from "effect/Tracer"
import * as fc from "fast-check"

/** What the fake server answers: a status and headers, a reset connection, or nothing ever. */
type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | "reset"
  | "never"
  // The client's own deadline expired (a TransportError caused by a TimeoutError).
  | "timeout"

/** A fake Channels API answering each request with the next reply of `script` (then `200 {}`). */
const makeServer = (script: ReadonlyArray<Reply>) => {
  const requests: Array<{ readonly method: string; readonly path: string; readonly at: number }> = []
  const client = HttpClient.make((request, url) =>
    Effect.clockWith((clock) =>
      Effect.suspend(() => {
        const reply = script[requests.length] ?? { status: 200 }
        requests.push({ method: request.method, path: url.pathname, at: clock.currentTimeMillisUnsafe() })
        if (reply === "never") return Effect.never
        if (reply === "reset" || reply === "timeout") {
          const cause = reply === "reset" ? new Error("ECONNRESET") : new Cause.TimeoutError()
          return Effect.fail(
            new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause }) })
          )
        }
        // One success body that every operation decodes.
        const body = reply.body ??
          (reply.status === 200 ? "{\"channels\":{},\"users\":[],\"occupied\":false}" : "refused")
        return Effect.succeed(
          HttpClientResponse.fromWeb(
            request,
            new Response(body, { status: reply.status, headers: reply.headers ?? {} })
          )
        )
      })
    )
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const config = PusherConfig.layer({ appId: 1, key: "key", secret: "secret", timeout: "10 seconds" })

const fixed = (wait: Duration.Input, writes = false): PusherRetry.Policy => ({
  schedule: Schedule.spaced(wait),
  writes
})

const run = <A, E>(
  effect: Effect.Effect<A, E, PusherConfig.PusherConfig | HttpClient.HttpClient>,
  server: ReturnType<typeof makeServer>,
  retry?: PusherRetry.Policy
) =>
  Effect.provide(
    effect,
    Layer.mergeAll(config, server.layer, retry === undefined ? Layer.empty : PusherRetry.layer(retry))
  )

/** Runs `effect` in a fiber and moves the test clock until it ends. */
const settle = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(Effect.result(effect))
    for (let i = 0; i < 200 && fiber.pollUnsafe() === undefined; i++) yield* TestClock.adjust("100 millis")
    return yield* Fiber.join(fiber)
  })

const errorOf = <A, E>(result: Result.Result<A, E>) => Result.isFailure(result) ? result.failure : undefined

describe("HttpError.retryAfter", () => {
  it.effect("is read from a 429's delta-seconds and a 503's HTTP-date, and absent otherwise", () =>
    Effect.gen(function*() {
      // The test clock starts at the epoch.
      const server = makeServer([
        { status: 429, headers: { "retry-after": "7" } },
        { status: 503, headers: { "retry-after": "Thu, 01 Jan 1970 00:00:30 GMT" } },
        { status: 500, headers: { "retry-after": "7" } },
        { status: 429, headers: { "retry-after": "soon" } },
        { status: 429, headers: { "retry-after": "86400" } }
      ])
      const errors = []
      for (let i = 0; i < 5; i++) errors.push(yield* Effect.flip(run(Pusher.channels(), server)))
      expect(errors.map((e) => e._tag === "HttpError" ? e.retryAfter : e._tag)).toEqual([
        Duration.seconds(7),
        Duration.seconds(30),
        undefined,
        undefined,
        Duration.minutes(5)
      ])
    }))
})

describe("PusherRetry", () => {
  it.effect("a policy is only turned on through its check: a policy put in the reference by hand does not type-check", () =>
    Effect.gen(function*() {
      const server = makeServer([{ status: 503 }])
      // @ts-expect-error the reference holds a PusherRetry.Installed, which only `layer` and `withPolicy` make
      const forged: PusherRetry.Installed = fixed("100 millis")
      // Had it type-checked, it would be ignored rather than break requests: no retry, the 503 is the answer.
      const result = yield* settle(
        run(Pusher.channels(), server).pipe(Effect.provideService(PusherRetry.PusherRetry, Option.some(forged)))
      )
      expect(errorOf(result)).toMatchObject({ _tag: "HttpError", status: 503 })
      expect(server.requests).toHaveLength(1)
      // The same policy through the check is retried.
      const checked = makeServer([{ status: 503 }])
      expect(yield* settle(run(Pusher.channels(), checked, fixed("100 millis")))).toMatchObject({ _tag: "Success" })
      expect(checked.requests).toHaveLength(2)
    }))

  it.effect("reads retry 500, 502, 503, 429, resets and timed-out attempts, then succeed", () =>
    Effect.gen(function*() {
      const server = makeServer([
        { status: 500 },
        { status: 502 },
        { status: 503 },
        { status: 429 },
        "reset",
        "timeout"
      ])
      const result = yield* settle(run(Pusher.channels(), server, fixed("100 millis")))
      expect(result).toMatchObject({ _tag: "Success" })
      // One wait of the policy between attempts.
      expect(server.requests.map((r) => r.at)).toEqual([0, 100, 200, 300, 400, 500, 600])
    }))

  it.effect("every read operation retries", () =>
    Effect.gen(function*() {
      const reads = [
        Pusher.channels(),
        Pusher.channel("a"),
        Pusher.users("presence-a"),
        Pusher.get("/channels")
      ] as const
      for (const read of reads) {
        const server = makeServer([{ status: 500 }])
        const result = yield* settle(run(read, server, fixed("10 millis")))
        expect(result._tag).toBe("Success")
        expect(server.requests.length).toBe(2)
      }
    }))

  it.effect("a 429's Retry-After is the least wait; a longer wait of the policy wins", () =>
    Effect.gen(function*() {
      const server = makeServer([
        { status: 429, headers: { "retry-after": "3" } },
        { status: 503, headers: { "retry-after": "1" } }
      ])
      const result = yield* settle(run(Pusher.channels(), server, fixed("2 seconds")))
      expect(result._tag).toBe("Success")
      expect(server.requests.map((r) => r.at)).toEqual([0, 3000, 5000])
    }))

  it.effect("no 4xx but 429 is retried, nor a decode error", () =>
    Effect.gen(function*() {
      for (const status of [400, 401, 403, 404, 413]) {
        const server = makeServer([{ status }])
        const error = errorOf(yield* settle(run(Pusher.channels(), server, fixed("10 millis"))))
        expect(error).toMatchObject({ _tag: "HttpError", status })
        expect(server.requests.length).toBe(1)
      }
      const server = makeServer([{ status: 200, body: "not json" }])
      expect(errorOf(yield* settle(run(Pusher.channels(), server, fixed("10 millis"))))).toMatchObject({
        _tag: "DecodeError"
      })
      expect(server.requests.length).toBe(1)
    }))

  it.effect("writes are not retried unless the policy says writes: true", () =>
    Effect.gen(function*() {
      const writes = [
        Pusher.trigger("a", "e", 1),
        Pusher.trigger(["a", "b"], "e", 1),
        Pusher.triggerBatch([{ channel: "a", name: "e", data: 1 }]),
        Pusher.sendToUser("ada", "e", 1),
        Pusher.terminateUserConnections("ada"),
        Pusher.post("/events", { name: "e", channels: ["a"], data: "1" })
      ] as const
      for (const write of writes) {
        const off = makeServer([{ status: 500 }])
        expect(errorOf(yield* settle(run(write, off, fixed("10 millis"))))).toMatchObject({ status: 500 })
        expect(off.requests.length).toBe(1)
        const on = makeServer([{ status: 500 }, "reset"])
        expect((yield* settle(run(write, on, fixed("10 millis", true))))._tag).toBe("Success")
        expect(on.requests.length).toBe(3)
      }
    }))

  it.effect("a per-call policy overrides the layer's, both ways", () =>
    Effect.gen(function*() {
      const off = makeServer([{ status: 500 }])
      const offResult = yield* settle(
        run(PusherRetry.withPolicy(Pusher.channels(), PusherRetry.none), off, fixed("10 millis"))
      )
      expect(errorOf(offResult)).toMatchObject({ status: 500 })
      expect(off.requests.length).toBe(1)

      const on = makeServer([{ status: 500 }])
      const onResult = yield* settle(run(Pusher.channels().pipe(PusherRetry.withPolicy(fixed("10 millis"))), on))
      expect(onResult._tag).toBe("Success")
      expect(on.requests.length).toBe(2)

      // Writes: the layer retries reads only, the call opts in for writes.
      const write = makeServer([{ status: 503 }])
      const writeResult = yield* settle(
        run(PusherRetry.withPolicy(Pusher.trigger("a", "e", 1), fixed("10 millis", true)), write, fixed("1 second"))
      )
      expect(writeResult._tag).toBe("Success")
      expect(write.requests.map((r) => r.at - (write.requests[0]?.at ?? 0))).toEqual([0, 10])
    }))

  it.effect("the timeout bounds the whole call: a wait past it ends the retries with the last error", () =>
    Effect.gen(function*() {
      const server = makeServer(Array.from({ length: 100 }, () => ({ status: 500 })))
      const error = errorOf(yield* settle(run(Pusher.channels(), server, fixed("3 seconds"))))
      expect(error).toMatchObject({ _tag: "HttpError", status: 500 })
      // At 0, 3 and 6 s; one at 9 s would be in time, but another wait would end past 10 s... 9 + 3 > 10.
      expect(server.requests.map((r) => r.at)).toEqual([0, 3000, 6000, 9000])
    }))

  it.effect("a Retry-After past the deadline fails at once with the HttpError that asked for it", () =>
    Effect.gen(function*() {
      const server = makeServer([{ status: 429, headers: { "retry-after": "60" } }])
      const error = errorOf(yield* settle(run(Pusher.channels(), server, fixed("10 millis"))))
      expect(error).toMatchObject({ _tag: "HttpError", status: 429, retryAfter: Duration.seconds(60) })
      expect(server.requests.length).toBe(1)
    }))

  it.effect("an attempt still running at the deadline fails the call with a Timeout counting the attempts", () =>
    Effect.gen(function*() {
      const server = makeServer([{ status: 500 }, "never"])
      const error = errorOf(yield* settle(run(Pusher.channels(), server, fixed("1 second"))))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(error?.message).toContain("2 attempts, retries included")
      expect(server.requests.map((r) => r.at)).toEqual([0, 1000])
    }))

  it.effect("PusherRetry.transient: jittered exponential waits, at most 4 attempts", () =>
    Effect.gen(function*() {
      const server = makeServer(Array.from({ length: 10 }, () => ({ status: 502 })))
      const error = errorOf(yield* settle(run(Pusher.channels(), server, PusherRetry.transient)))
      expect(error).toMatchObject({ status: 502 })
      const at = server.requests.map((r) => r.at)
      expect(at.length).toBe(4)
      const waits = at.slice(1).map((t, i) => t - at[i]!)
      // 200, 400, 800 ms, each ±20% (the test clock moves in steps of 100 ms).
      for (const [i, wait] of waits.entries()) {
        const base = 200 * 2 ** i
        expect(wait).toBeGreaterThanOrEqual(Math.floor(base * 0.8 / 100) * 100)
        expect(wait).toBeLessThanOrEqual(Math.ceil(base * 1.2 / 100) * 100)
      }
      expect(PusherRetry.transient.writes).toBeUndefined()
    }))

  it.effect("a malformed policy is a ValidationError naming the field, at layer build or per call", () =>
    Effect.gen(function*() {
      const server = makeServer([])
      const bad: ReadonlyArray<[unknown, string]> = [
        [null, "policy"],
        [{ schedule: "fast" }, "policy.schedule"],
        [{ schedule: Schedule.recurs(1), writes: "yes" }, "policy.writes"],
        [{ schedule: Schedule.recurs(1), retryWrites: true }, "policy.retryWrites"],
        [
          new Proxy({}, {
            ownKeys: () => {
              throw new Error("boom")
            }
          }),
          "policy"
        ]
      ]
      for (const [policy, field] of bad) {
        const asPolicy = policy as PusherRetry.Policy
        const viaLayer = yield* Effect.flip(run(Pusher.channels(), server, asPolicy))
        expect(viaLayer).toMatchObject({ _tag: "ValidationError", field })
        const perCall = yield* Effect.flip(run(PusherRetry.withPolicy(Pusher.channels(), asPolicy), server))
        expect(perCall).toMatchObject({ _tag: "ValidationError", field })
      }
      expect(server.requests.length).toBe(0)
    }))

  it.effect("any value as a policy: a ValidationError or a policy, never a throw or a defect", () =>
    Effect.sync(() =>
      fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true }), (value) => {
        const asPolicy = value as PusherRetry.Policy
        for (
          const effect of [PusherRetry.withPolicy(Effect.void, asPolicy), Layer.build(PusherRetry.layer(asPolicy))]
        ) {
          const exit = Effect.runSyncExit(Effect.scoped(effect))
          expect(
            Exit.isSuccess(exit) ||
              Option.exists(Cause.findErrorOption(exit.cause), (e) => e._tag === "ValidationError")
          ).toBe(true)
        }
      }))
    ))

  it.effect("each retry is an event on the operation's span, which counts the attempts", () =>
    Effect.gen(function*() {
      const builtIn = Tracer.nativeTracer
      const spans: Array<{ name: string; attributes: ReadonlyMap<string, unknown>; events: Array<unknown> }> = []
      const tracer = Tracer.make({
        span: (options) => {
          const span = builtIn.span(options)
          const name = options.name
          const events: Array<unknown> = []
          const event = span.event.bind(span)
          span.event = (eventName, time, attributes) => {
            events.push({ name: eventName, attributes })
            event(eventName, time, attributes)
          }
          spans.push({ name, attributes: span.attributes, events })
          return span
        }
      })
      const server = makeServer([{ status: 503 }, "reset"])
      const result = yield* settle(Effect.withTracer(run(Pusher.channels(), server, fixed("50 millis")), tracer))
      expect(result._tag).toBe("Success")
      const span = spans.find((s) => s.name === "Pusher.channels")
      expect(span?.attributes.get("pusher.attempts")).toBe(3)
      expect(span?.events).toEqual([
        {
          name: "pusher.retry",
          attributes: { "pusher.attempt": 2, "pusher.retry.after": "HttpError 503", "pusher.retry.wait_ms": 50 }
        },
        {
          name: "pusher.retry",
          attributes: {
            "pusher.attempt": 3,
            "pusher.retry.after": "TransportError Network",
            "pusher.retry.wait_ms": 50
          }
        }
      ])
    }))
})

describe("PusherRetry with PusherBatching", () => {
  const batched = (server: ReturnType<typeof makeServer>) =>
    PusherBatching.layer().pipe(Layer.provideMerge(Layer.merge(config, server.layer)))

  it.effect("a batch is retried only when every one of its events opted in for writes", () =>
    Effect.gen(function*() {
      const writes = fixed("10 millis", true)
      const triggers = (opted: ReadonlyArray<boolean>) =>
        Effect.all(
          opted.map((on, i) => {
            const trigger = Pusher.trigger(`c${i}`, "e", i)
            return Effect.result(on ? PusherRetry.withPolicy(trigger, writes) : trigger)
          }),
          { concurrency: "unbounded" }
        )

      const mixed = makeServer([{ status: 500 }])
      const mixedResults = yield* settle(Effect.provide(triggers([true, false, true]), batched(mixed)))
      expect(Result.isSuccess(mixedResults) && mixedResults.success.map((r) => r._tag)).toEqual([
        "Failure",
        "Failure",
        "Failure"
      ])
      expect(mixed.requests.length).toBe(1)

      const all = makeServer([{ status: 500 }, { status: 429, headers: { "retry-after": "1" } }])
      const allResults = yield* settle(Effect.provide(triggers([true, true, true]), batched(all)))
      expect(Result.isSuccess(allResults) && allResults.success.map((r) => r._tag)).toEqual([
        "Success",
        "Success",
        "Success"
      ])
      // One batch, sent three times: after the policy's wait, then after the Retry-After.
      const start = all.requests[0]?.at ?? 0
      expect(all.requests.map((r) => r.at - start)).toEqual([0, 10, 1010])
    }))
})
