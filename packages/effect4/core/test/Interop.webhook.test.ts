/**
 * Issue 12, points 9 and 10, side by side with pusher@5.3.4's `pusher.webhook({ headers, rawBody })`: a
 * correctly signed webhook whose envelope is valid is never refused for its content, and client events
 * (written by end users' browsers) never stop a stream by default.
 */
import { PusherConfig, PusherEndpoints, Webhook } from "@effect-pusher/core"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpEffect from "effect/http/HttpEffect"
import * as Logger from "effect/Logger"
import type * as LogLevel from "effect/LogLevel"
import * as References from "effect/References"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import PusherNode from "pusher"
import { signedWebhookHeaders } from "../../../core/test/utils/signedWebhook.js"
import { envelope } from "../../../core/test/utils/webhookArbitraries.js"

const credentials = { appId: "1", key: "app-key", secret: "app-secret" }
const reference = new PusherNode({ ...credentials, cluster: "mt1" })
const config = PusherConfig.layer({ ...credentials, appId: 1 })

const headersFor = (body: string) => signedWebhookHeaders(body, credentials)

const verifyResult = (body: string) =>
  Effect.runSync(Effect.result(Webhook.verify({ headers: headersFor(body), body })).pipe(Effect.provide(config)))

const theirs = (body: string) => {
  const webhook = reference.webhook({ headers: headersFor(body), rawBody: body })
  // `getEvents` throws for a valid body that is not an object (`null`), and is anything the body says.
  const data: unknown = webhook.isValid() ? webhook.getData() : undefined
  const raw: unknown = typeof data === "object" && data !== null ? webhook.getEvents() : undefined
  const events: ReadonlyArray<Record<string, unknown>> = Array.isArray(raw) ? raw : []
  return { valid: webhook.isValid(), events }
}

const wireOf = (event: Webhook.WebhookEvent) => Schema.encodeSync(Webhook.WebhookEvent)(event)

describe("point 9: a signed webhook with a valid envelope is never refused (against pusher@5.3.4)", () => {
  it("accepts every body pusher@5.3.4 accepts whose envelope is valid, with one event per wire event", () => {
    let unknownWithReason = 0
    fc.assert(
      fc.property(envelope, (input) => {
        const body = JSON.stringify(input)
        const official = theirs(body)
        expect(official.valid).toBe(true)
        const ours = verifyResult(body)
        expect(Result.isSuccess(ours)).toBe(true)
        if (Result.isFailure(ours)) return
        const payload = ours.success
        expect(payload.timeMs).toBe(input.time_ms)
        expect(payload.events.length).toBe(official.events.length)
        payload.events.forEach((event, i) => {
          const wire = official.events[i] ?? {}
          if (event._tag === "Unknown") {
            // Kept whole: the raw event is exactly what pusher@5.3.4 hands out.
            expect(event.raw).toEqual(wire)
            expect(event.name).toBe(wire.name)
            if (event.reason !== undefined) unknownWithReason++
          } else {
            // Decoded: its name and channel are the wire's; a numeric user_id is its string.
            expect(wireOf(event).name).toBe(wire.name)
            expect(wireOf(event).channel).toBe(wire.channel)
            if ("userId" in event && event.userId !== undefined) expect(event.userId).toBe(String(wire.user_id))
          }
        })
      }),
      { numRuns: 400 }
    )
    expect(unknownWithReason).toBeGreaterThan(20)
  })

  it("member_added with a numeric user_id decodes as its string; a malformed one becomes UnknownEvent with a reason", () => {
    const events = [
      { name: "member_added", channel: "presence-a", user_id: 42 },
      { name: "member_added", channel: "presence-a" },
      { name: "member_removed", channel: "presence-a", user_id: { id: 1 } },
      { name: "subscription_count", channel: "a", subscription_count: "3" },
      { name: "channel_occupied", channel: "a" }
    ]
    const body = JSON.stringify({ time_ms: 1_700_000_000_000, events })
    expect(theirs(body).valid).toBe(true)
    const payload = Result.getOrThrow(verifyResult(body))
    expect(payload.events).toStrictEqual([
      { _tag: "MemberAdded", channel: "presence-a", userId: "42" },
      { _tag: "Unknown", name: "member_added", raw: events[1], reason: "user_id: must be a string or a safe integer" },
      {
        _tag: "Unknown",
        name: "member_removed",
        raw: events[2],
        reason: "user_id: must be a string or a safe integer"
      },
      {
        _tag: "Unknown",
        name: "subscription_count",
        raw: events[3],
        reason: "subscription_count: must be a non-negative integer"
      },
      { _tag: "ChannelOccupied", channel: "a" }
    ])
    // An UnknownEvent encodes back to its raw wire form.
    expect(Schema.encodeSync(Webhook.WebhookPayload)(payload).events.slice(1, 4)).toEqual(events.slice(1, 4))
  })

  it.effect("accepts a body without time_ms unless maxAge is set, which needs it", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ events: [{ name: "channel_occupied", channel: "a" }] })
      expect(theirs(body).valid).toBe(true)
      const headers = headersFor(body)
      const payload = yield* Webhook.verify({ headers, body })
      expect(payload).toStrictEqual({ events: [{ _tag: "ChannelOccupied", channel: "a" }] })
      const error = yield* Effect.flip(Webhook.verify({ headers, body }, { maxAge: "5 minutes" }))
      assert(error._tag === "WebhookError")
      expect(error.reason).toBe("InvalidBody")
      expect(error.description).toBe("time_ms is missing, and maxAge needs it")
    }).pipe(Effect.provide(config)))

  it.each([
    ["null", "body: must be a JSON object"],
    ["42", "body: must be a JSON object"],
    ["{}", "events: must be an array"],
    [`{"time_ms":"1","events":[]}`, "time_ms: must be a number when given"],
    [`{"time_ms":1,"events":[1]}`, "events[0]: must be an object"],
    [`{"time_ms":1,"events":[{"channel":"a"}]}`, "events[0].name: must be a string"]
  ])("deliberately refuses the envelope %s, which pusher@5.3.4 accepts, naming the field", (body, description) => {
    expect(theirs(body).valid).toBe(true)
    const ours = verifyResult(body)
    expect(Result.isFailure(ours) && [ours.failure.reason, ours.failure.description]).toEqual([
      "InvalidBody",
      description
    ])
  })

  it("the endpoint answers 200 for a signed webhook with a malformed event, so Pusher does not retry it", async () => {
    const seen: Array<Webhook.WebhookEvent> = []
    const app = PusherEndpoints.webhook((p) => Effect.sync(() => seen.push(...p.events)))
    const { dispose, handler } = HttpEffect.toWebHandlerLayer(app, config)
    const body = JSON.stringify({ time_ms: 1, events: [{ name: "member_added", channel: "presence-a" }] })
    const response = await handler(
      new Request("http://localhost/pusher/webhook", { method: "POST", headers: headersFor(body), body })
    )
    expect(response.status).toBe(200)
    expect(seen.map((event) => event._tag)).toEqual(["Unknown"])
    await dispose()
  })
})

describe("point 10: client events are untrusted", () => {
  const Move = Schema.Struct({ x: Schema.Number, y: Schema.Number })
  const move = (x: unknown, channel = "presence-game") => ({
    name: "client_event",
    channel,
    event: "client-move",
    data: JSON.stringify({ x, y: 1 }),
    socket_id: "1.2",
    user_id: 7
  })
  const request = (events: ReadonlyArray<unknown>): Webhook.WebhookRequest => {
    const body = JSON.stringify({ time_ms: 1, events })
    return { headers: headersFor(body), body }
  }
  const requests = [request([move(1), move("bad", "private-room")]), request([move(2)])]

  const capture = () => {
    const logs: Array<{ level: LogLevel.LogLevel; message: string; annotations: Record<string, unknown> }> = []
    const logger = Logger.layer([
      Logger.make(({ fiber, logLevel, message }) =>
        logs.push({
          level: logLevel,
          message: String(message),
          annotations: { ...fiber.getRef(References.CurrentLogAnnotations) }
        })
      )
    ])
    return { logs, logger }
  }

  it.effect("by default a client event whose data fails the schema is dropped with a warning naming channel, event and reason", () => {
    const { logger, logs } = capture()
    return Effect.gen(function*() {
      const events = Stream.fromIterable(requests).pipe(Webhook.receive({ onInvalid: "drop" }))
      const dataLast = yield* events.pipe(Webhook.clientEvents("client-move", Move), Stream.runCollect)
      expect(dataLast.map((event) => [event.data.x, event.userId])).toEqual([[1, "7"], [2, "7"]])
      const dataFirst = yield* Stream.runCollect(Webhook.clientEvents(events, "client-move", Move))
      expect(dataFirst).toEqual(dataLast)
      expect(logs.length).toBe(2)
      const [log] = logs
      expect(log!.level).toBe("Warn")
      expect(log!.message).toContain("\"client-move\"")
      expect(log!.message).toContain("private-room")
      // Effect 4's issue formatter names the expected type, not the received value (it could be a secret).
      expect(log!.message).toContain("x: Expected number")
      expect(log!.annotations).toMatchObject({
        channel: "private-room",
        event: "client-move",
        reason: "InvalidEventData"
      })
    }).pipe(Effect.provide(config), Effect.provide(logger))
  })

  it.effect("{ onInvalid: \"fail\" } keeps failing, in both forms", () =>
    Effect.gen(function*() {
      const events = Stream.fromIterable(requests).pipe(Webhook.receive())
      const dataLast = yield* Effect.flip(
        Stream.runDrain(events.pipe(Webhook.clientEvents("client-move", Move, { onInvalid: "fail" })))
      )
      expect(dataLast._tag === "WebhookError" && dataLast.reason).toBe("InvalidEventData")
      expect(dataLast.message).toContain("x: Expected number")
      const dataFirst = yield* Effect.flip(
        Stream.runDrain(Webhook.clientEvents(events, "client-move", Move, { onInvalid: "fail" }))
      )
      expect(dataFirst).toEqual(dataLast)
    }).pipe(Effect.provide(config)))

  it("clientEvent(...).decode on a non-event is a typed failure, never a throw", () => {
    const decoder = Webhook.clientEvent("client-move", Move)
    // Untyped callers (JavaScript, or `as` at a boundary) can pass anything.
    const hostile: ReadonlyArray<unknown> = [null, 42, "client-move", undefined, {}, { _tag: "MemberAdded" }]
    for (const input of hostile) {
      const event = input as Webhook.ClientEvent
      expect(decoder.is(event)).toBe(false)
      const exit = Effect.runSyncExit(decoder.decode(event))
      expect(Exit.isFailure(exit) && !Cause.hasDies(exit.cause)).toBe(true)
      const error = Exit.isFailure(exit) ? Cause.findErrorOption(exit.cause) : undefined
      expect(error?._tag === "Some" && error.value._tag === "WebhookError" && error.value.reason).toBe(
        "InvalidEventData"
      )
    }
  })
})
