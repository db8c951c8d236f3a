import { PusherConfig, PusherCrypto, PusherTest } from "@effect-pusher/core"
import * as EmulatorState from "@effect-pusher/protocol/EmulatorState"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpEffect from "effect/http/HttpEffect"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Stream from "effect/Stream"
import * as Console from "../src/internal/emulator/console.js"
import * as ConsoleFeed from "../src/internal/emulator/consoleFeed.js"
import * as Emulator from "../src/internal/emulator/emulator.js"

const makeEmulator = Effect.gen(function*() {
  const config = yield* PusherConfig.make(PusherTest.defaultApp)
  const crypto = yield* PusherCrypto.current
  return yield* Emulator.make(config, crypto, {
    subscriptionCountWebhooks: false,
    cacheTtlSeconds: 1800,
    activityTimeoutSeconds: 120,
    pongTimeoutSeconds: 30,
    maxRecorded: undefined
  })
})

const recorded = (sequence: number): PusherTest.RecordedEvent => ({
  sequence,
  channel: "news",
  name: "tick",
  data: sequence,
  rawData: String(sequence),
  recipients: [],
  endpoint: "events",
  timeMillis: 0
})

/** Everything the feed waits on: nothing may be left once its reader has gone. */
const waiting = (emulator: Emulator.Emulator) =>
  emulator.changed.waiting + emulator.events.waiting + emulator.requests.waiting + emulator.webhooks.waiting

const decoder = new TextDecoder()

describe("PusherTest debug console feed", () => {
  it.live("a console whose reader goes leaves nothing waiting (the page closed: its fiber ends)", () =>
    Effect.gen(function*() {
      const emulator = yield* makeEmulator
      const app = yield* Console.withConsole(emulator, Effect.succeed(HttpServerResponse.text("app")))
      const handler = HttpEffect.toWebHandler(app)
      const response = yield* Effect.promise(() => handler(new Request("http://127.0.0.1/_console/events")))
      expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8")
      const reader = response.body!.getReader()
      const first = yield* Effect.promise(() => reader.read())
      expect(decoder.decode(first.value)).toMatch(
        /^event: snapshot\ndata: \{"app":\{"appId":"123456","key":"test-key"\}/
      )
      // The feed now waits for the state and for each log.
      yield* Effect.sleep("20 millis")
      expect([emulator.changed.waiting, emulator.events.waiting, emulator.requests.waiting]).toEqual([1, 1, 1])
      yield* Effect.promise(() => reader.cancel())
      yield* Effect.sleep("20 millis")
      expect(waiting(emulator)).toBe(0)
      // Other paths go to the app behind the console.
      const other = yield* Effect.promise(() => handler(new Request("http://127.0.0.1/apps/123456/events")))
      expect(yield* Effect.promise(() => other.text())).toBe("app")
    }))

  it.live("the console's feeds end when its scope closes", () =>
    Effect.gen(function*() {
      const emulator = yield* makeEmulator
      const handler = yield* Effect.scoped(Effect.gen(function*() {
        const app = yield* Console.withConsole(emulator, Effect.succeed(HttpServerResponse.empty()))
        return HttpEffect.toWebHandler(app)
      }))
      // Opened after the scope closed: the feed sends its snapshot, then ends at once.
      const response = yield* Effect.promise(() => handler(new Request("http://127.0.0.1/_console/events")))
      const text = yield* Effect.promise(() => response.text())
      expect(text).toMatch(/^event: snapshot\n/)
      expect(waiting(emulator)).toBe(0)
    }))

  it.live("a console that reads slower than the app logs skips to the newest entries", () =>
    Effect.gen(function*() {
      const emulator = yield* makeEmulator
      const pull = yield* Stream.toPull(ConsoleFeed.feed(emulator))
      expect(Array.from(yield* pull)[0]).toMatch(/^event: snapshot\n/)
      // Ten batches' worth, while nobody reads the feed.
      const batch = ConsoleFeed.limits.logBatch
      const appended = batch * 10
      for (let i = 0; i < appended; i++) emulator.events.append(recorded(i))
      const sequences: Array<number> = []
      let skipped = 0
      while (sequences.at(-1) !== appended - 1) {
        for (const frames of yield* pull) {
          for (const [, event, data] of frames.matchAll(/event: (\w+)\ndata: (.*)\n\n/g)) {
            if (event === "log") sequences.push((JSON.parse(data!) as { sequence: number }).sequence)
            if (event === "skipped") skipped += (JSON.parse(data!) as { count: number }).count
          }
        }
      }
      // Read: the first entry (its reader was waiting for it), then the newest batch; the rest skipped and told.
      expect(sequences.length).toBeLessThanOrEqual(batch + 1)
      expect(sequences.length + skipped).toBe(appended)
      expect(sequences.slice(-batch)).toEqual(Array.from({ length: batch }, (_, i) => appended - batch + i))
    }))

  it.live("state views follow the state: the latest one, not every one in between", () =>
    Effect.gen(function*() {
      const emulator = yield* makeEmulator
      const pull = yield* Stream.toPull(ConsoleFeed.feed(emulator))
      yield* pull
      yield* Effect.forEach(
        Array.from({ length: 300 }),
        () => Emulator.attempt(emulator, (state) => EmulatorState.connect(state, undefined, undefined))
      )
      yield* Effect.sleep("150 millis")
      const views: Array<{ connections: { total: number; shown: ReadonlyArray<unknown> } }> = []
      while (views.at(-1)?.connections.total !== 300) {
        for (const frame of yield* pull) {
          const match = /^event: state\ndata: (.*)\n\n$/.exec(frame)
          if (match !== null) views.push(JSON.parse(match[1]!))
        }
      }
      // 300 changes, a handful of views (one at most every 100 ms); each lists at most its limit.
      expect(views.length).toBeLessThan(10)
      expect(views.at(-1)!.connections.shown.length).toBe(ConsoleFeed.limits.connections)
    }))
})
