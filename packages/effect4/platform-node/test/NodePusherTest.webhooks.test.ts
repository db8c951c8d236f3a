/**
 * Webhook delivery of the served emulator: each webhook POSTed, signed, to a local receiver on 127.0.0.1,
 * retried as Channels retries (non-2XX or no answer within 4 s; backoff from 1 s, doubling, for 5 minutes
 * after the webhook was made), in order. The backoff runs on the TestClock; the HTTP exchanges are real.
 */
import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { NodePusherHttpClient } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Queue from "effect/Queue"
import * as TestClock from "effect/testing/TestClock"
import PusherNode from "pusher"
import * as WebhookDelivery from "../src/internal/webhookDelivery.js"
import * as Receiver from "./utils/server.js"

interface Attempt extends Receiver.Seen {
  /** TestClock time when the test took it (the clock does not move while an attempt is on its way). */
  readonly at: number
}

const countOf = (instants: ReadonlyArray<number>, at: number) => instants.reduce((n, i) => n + (i === at ? 1 : 0), 0)

/**
 * The TestClock of the test, with every sleep it is asked for recorded as the instant it ends (Effect 4's
 * TestClock does not list its sleeps): fibers forked from the test's fiber (the delivery) sleep through it.
 * Like the Effect 3 line's `TestClock.sleeps()`, an interrupted sleep stays listed.
 */
const recordingSleeps = <A, E, R>(body: (sleeps: () => ReadonlyArray<number>) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(Clock.clockWith(Effect.succeed), (testClock) => {
    const sleeps: Array<number> = []
    const recording: TestClock.TestClock = Object.assign(Object.create(testClock) as TestClock.TestClock, {
      sleep: (duration: Duration.Duration) => {
        sleeps.push(testClock.currentTimeMillisUnsafe() + Duration.toMillis(duration))
        return testClock.sleep(duration)
      }
    })
    return body(() => sleeps).pipe(Effect.provideService(Clock.Clock, recording))
  })

/**
 * A receiver on 127.0.0.1 that answers the n-th request (from 1) with `status(n, seen)`, or never (`"hang"`).
 * `next` waits (in real time) for the next request; `advanceTo(at)` waits until a fiber sleeps until `at` on
 * the TestClock, then sets the clock there. An attempt that was answered leaves its 4 s timeout among
 * `TestClock.sleeps` (interrupted sleeps stay listed): those are counted out, so that a stale timeout at
 * `at` is not taken for the backoff the delivery has yet to schedule.
 */
const receiver = (
  status: (n: number, seen: Receiver.Seen) => number | "hang",
  sleeps: () => ReadonlyArray<number>
) =>
  Effect.gen(function*() {
    const arrived = yield* Queue.unbounded<{ readonly seen: Receiver.Seen; readonly answered: boolean }>()
    let n = 0
    const server = yield* Receiver.serve((seen, response) => {
      const answer = status(++n, seen)
      Queue.offerUnsafe(arrived, { seen, answered: answer !== "hang" })
      if (answer !== "hang") response.writeHead(answer).end(answer === 200 ? "ok" : "no")
    })
    const stale: Array<number> = []
    const next: Effect.Effect<Attempt> = Effect.flatMap(Queue.take(arrived), ({ answered, seen }) =>
      Effect.map(Clock.currentTimeMillis, (at) => {
        if (answered) {
          stale.push(at + 4_000)
        }
        return { ...seen, at }
      }))
    const advanceTo = (at: number) =>
      Effect.gen(function*() {
        const staleHere = stale.filter((i) =>
          i === at
        ).length
        while (countOf(sleeps(), at) <= staleHere) {
          yield* TestClock.withLive(Effect.sleep(Duration.millis(2)))
        }
        yield* TestClock.setTime(at)
      })
    return { server, next, advanceTo, count: () => n }
  })

/** A real-time pause, to see that nothing more arrives. */
const quietFor = (millis: number) => TestClock.withLive(Effect.sleep(Duration.millis(millis)))

const channelOf = (attempt: Attempt): string => JSON.parse(attempt.body).events[0].channel

describe("NodePusherTest webhooks", () => {
  it.effect("posts each webhook as recorded, retries a non-2XX with backoff from 1 s, in order", () =>
    recordingSleeps((sleeps) =>
      Effect.gen(function*() {
        const { advanceTo, next, server } = yield* receiver((n) => n <= 3 ? 500 : 200, sleeps)
        const emulator = yield* PusherTest.make()
        yield* NodePusherTest.serveService(emulator, { webhookUrl: `${server.origin}/hooks?token=t` })

        yield* emulator.subscribe("orders", { socketId: "1.1" })
        yield* emulator.unsubscribe("orders", "1.1")
        const webhooks = yield* emulator.webhooks
        const [occupied, vacated] = [webhooks[0]!, webhooks[1]!]
        expect(webhooks).toHaveLength(2)
        expect([occupied.body, vacated.body].map((body) => JSON.parse(body).events[0].name)).toEqual([
          "channel_occupied",
          "channel_vacated"
        ])

        const attempts: Array<Attempt> = [yield* next]
        for (const at of [1_000, 3_000, 7_000]) {
          yield* advanceTo(at)
          attempts.push(yield* next)
        }
        expect(attempts.map((a) => a.at)).toEqual([0, 1_000, 3_000, 7_000])
        for (const a of attempts) {
          expect([a.method, a.url, a.body]).toEqual(["POST", "/hooks?token=t", occupied.body])
          expect([a.headers["content-type"], a.headers["x-pusher-key"], a.headers["x-pusher-signature"]]).toEqual([
            occupied.headers["content-type"],
            occupied.headers["x-pusher-key"],
            occupied.headers["x-pusher-signature"]
          ])
        }
        // The second webhook waited for the first, and went at once when it was delivered.
        const second = yield* next
        expect([second.at, second.body]).toEqual([7_000, vacated.body])

        // Signed as Channels signs: the official library verifies what the receiver got.
        const official = new PusherNode({ appId: "123456", key: "test-key", secret: "test-secret", host: "127.0.0.1" })
        const webhook = official.webhook({ headers: second.headers, rawBody: second.body })
        expect([webhook.isValid(), webhook.getEvents()[0]?.name]).toEqual([true, "channel_vacated"])
      })
    ))

  it.effect("counts no answer within 4 s as a failure, and aborts that attempt", () =>
    recordingSleeps((sleeps) =>
      Effect.gen(function*() {
        const { advanceTo, next, server } = yield* receiver((n) => n === 1 ? "hang" : 204, sleeps)
        const emulator = yield* PusherTest.make()
        yield* NodePusherTest.serveService(emulator, { webhookUrl: server.origin })
        yield* emulator.subscribe("orders")
        expect((yield* next).at).toBe(0)
        yield* advanceTo(4_000)
        yield* advanceTo(5_000)
        expect((yield* next).at).toBe(5_000)
        yield* quietFor(50)
        expect(server.aborted()).toBe(1)
      })
    ))

  it.effect("gives up when the next attempt would start over 5 minutes after the webhook was made", () =>
    recordingSleeps((sleeps) =>
      Effect.gen(function*() {
        const { advanceTo, count, next, server } = yield* receiver(
          (_, seen) => seen.body.includes("channel_occupied") ? 503 : 200,
          sleeps
        )
        const emulator = yield* PusherTest.make()
        yield* NodePusherTest.serveService(emulator, { webhookUrl: server.origin })
        yield* emulator.subscribe("orders", { socketId: "1.1" })
        yield* emulator.unsubscribe("orders", "1.1")

        const times: Array<number> = [(yield* next).at]
        for (const at of [1, 3, 7, 15, 31, 63, 127, 255].map((s) => s * 1_000)) {
          yield* advanceTo(at)
          times.push((yield* next).at)
        }
        // Doubling delays; the one after 255 s would start at 511 s, past the window: the next webhook goes.
        expect(times).toEqual([0, 1, 3, 7, 15, 31, 63, 127, 255].map((s) => s * 1_000))
        const vacated = yield* next
        expect([vacated.at, JSON.parse(vacated.body).events[0].name]).toEqual([255_000, "channel_vacated"])
        yield* TestClock.adjust(Duration.minutes(10))
        yield* quietFor(50)
        expect(count()).toBe(10)
      })
    ))

  it.effect("drops, without an attempt, a webhook that waited past its window (a dead URL builds no backlog)", () =>
    recordingSleeps((sleeps) =>
      Effect.gen(function*() {
        const { advanceTo, count, next, server } = yield* receiver(() => "hang", sleeps)
        const emulator = yield* PusherTest.make()
        yield* NodePusherTest.serveService(emulator, { webhookUrl: server.origin })
        for (const channel of ["a", "b", "c", "d"]) yield* emulator.subscribe(channel)
        // Every attempt times out after 4 s. a: 0, 5, 11, 19, 31, 51, 87, 155, 287 s (then 291 + 256 > 300);
        // b (made at 0 too): 291, 296 s; c: 300 s, the window's last instant; d, taken at 304 s, is past it.
        const timeline: ReadonlyArray<readonly [number, string]> = [
          ...[0, 5, 11, 19, 31, 51, 87, 155, 287].map((s) => [s, "a"] as const),
          [291, "b"],
          [296, "b"],
          [300, "c"]
        ]
        for (const [i, [at, channel]] of timeline.entries()) {
          const attempt = yield* next
          expect([attempt.at / 1_000, channelOf(attempt)]).toEqual([at, channel])
          yield* advanceTo((at + 4) * 1_000)
          const following = timeline[i + 1]
          if (following !== undefined && following[0] > at + 4) yield* advanceTo(following[0] * 1_000)
        }
        yield* TestClock.adjust(Duration.minutes(10))
        yield* quietFor(100)
        expect([count(), server.aborted()]).toEqual([12, 12])
      })
    ))

  it.effect("holds at most maxPending webhooks behind the one in flight, and logs those it drops", () =>
    recordingSleeps((sleeps) =>
      Effect.gen(function*() {
        const { advanceTo, next, server } = yield* receiver((n) => n === 1 ? "hang" : 200, sleeps)
        const logs: Array<string> = []
        const logger = Logger.make(({ message }) => {
          logs.push(String(Array.isArray(message) ? message[0] : message))
        })
        const emulator = yield* PusherTest.make()
        const client = yield* NodePusherHttpClient.make()
        yield* WebhookDelivery.start(emulator, client, WebhookDelivery.target(new URL(server.origin)), 2).pipe(
          Effect.provide(Logger.layer([logger]))
        )
        yield* emulator.subscribe("a")
        yield* next // in flight, never answered
        for (const channel of ["b", "c", "d", "e", "f"]) yield* emulator.subscribe(channel)
        yield* quietFor(20)
        expect(logs.filter((l) => l === "Webhook dropped: too many waiting for delivery")).toHaveLength(3)
        yield* advanceTo(4_000)
        yield* advanceTo(5_000)
        const channels: Array<string> = []
        for (let i = 0; i < 3; i++) channels.push(channelOf(yield* next))
        expect(channels).toEqual(["a", "b", "c"])
        yield* quietFor(50)
        expect(server.seen).toHaveLength(4)
        expect(logs).toContain("Webhook delivery failed")
        expect(logs.join("\n")).not.toContain("test-secret")
      })
    ))

  it.effect("refuses a webhookUrl or hostname it cannot use, naming the option and its rule", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.make()
      const refused = (options: NodePusherTest.ServeOptions) =>
        Effect.scoped(Effect.flip(NodePusherTest.serveService(emulator, options))).pipe(
          Effect.map((error) => String(error))
        )
      expect(yield* refused({ webhookUrl: "ftp://127.0.0.1/hooks" })).toContain(
        "webhookUrl must be an absolute http: or https: URL"
      )
      expect(yield* refused({ webhookUrl: "/hooks" })).toContain("webhookUrl must be an absolute")
      expect(yield* refused({ hostname: "example.com" })).toContain("hostname must be an IPv4 or IPv6 address")
      expect(yield* refused({ port: 65536 })).toContain("port must be an integer from 0 (any free port) to 65535")
    }))
})
