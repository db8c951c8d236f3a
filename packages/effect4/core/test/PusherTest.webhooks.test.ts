import { Pusher, PusherCrypto, PusherTest, Webhook } from "@effect-pusher/core"
import { describe, expect, expectTypeOf, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import PusherNode from "pusher"

const app = PusherTest.defaultApp
const node = new PusherNode({ appId: app.appId, key: app.key, secret: app.secret, host: "localhost" })

const eventsOf = (request: PusherTest.SentWebhook): unknown => (JSON.parse(request.body) as { events: unknown }).events

describe("PusherTest webhooks", () => {
  it("the names that clashed with Webhook's stay as aliases of the new ones", () => {
    expectTypeOf<PusherTest.WebhookRequest>().toEqualTypeOf<PusherTest.SentWebhook>()
    expectTypeOf<PusherTest.ClientEvent>().toEqualTypeOf<PusherTest.SimulatedClientEvent>()
    expectTypeOf<PusherTest.SentWebhook>().not.toEqualTypeOf<Webhook.WebhookRequest>()
  })

  it.effect("occupancy and presence changes send signed webhooks, batched per change", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      yield* TestClock.setTime(1_700_000_000_123)
      const s1 = yield* emulator.subscribe("presence-room", { user: { id: "ann" } })
      const s2 = yield* emulator.subscribe("presence-room", { user: { id: "ann" } }) // same user: no webhook
      const s3 = yield* emulator.subscribe("presence-room", { user: { id: "bob" } })
      yield* emulator.unsubscribe("presence-room", s1) // ann still has s2
      yield* emulator.disconnect(s3)
      yield* emulator.disconnect(s2)
      yield* emulator.disconnect(s2) // already gone: nothing

      const hooks = yield* emulator.webhooks
      expect(hooks.map(eventsOf)).toEqual([
        [{ name: "channel_occupied", channel: "presence-room" }, {
          name: "member_added",
          channel: "presence-room",
          user_id: "ann"
        }],
        [{ name: "member_added", channel: "presence-room", user_id: "bob" }],
        [{ name: "member_removed", channel: "presence-room", user_id: "bob" }],
        [{ name: "member_removed", channel: "presence-room", user_id: "ann" }, {
          name: "channel_vacated",
          channel: "presence-room"
        }]
      ])
      const first = hooks[0]!
      expect(first.body.startsWith("{\"time_ms\":1700000000123,\"events\":[")).toBe(true)
      expect(first.headers["content-type"]).toBe("application/json")
      expect(first.headers["x-pusher-key"]).toBe(app.key)
      expect(first.headers["x-pusher-signature"]).toBe(PusherCrypto.portable.hmacSha256Hex(app.secret)(first.body))
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("pusher@5.3.4 and Webhook.verify accept the webhooks; a forged one is refused", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const socket = yield* emulator.subscribe("private-chat")
      yield* emulator.injectClientEvent({
        channel: "private-chat",
        event: "client-typing",
        data: { typing: true },
        socketId: socket
      })
      yield* emulator.takeWebhook // channel_occupied
      const hook = yield* emulator.takeWebhook

      const official = node.webhook({ headers: hook.headers, rawBody: hook.body })
      expect(official.isValid()).toBe(true)
      expect(official.getEvents()).toEqual([{
        name: "client_event",
        channel: "private-chat",
        event: "client-typing",
        data: "{\"typing\":true}",
        socket_id: socket
      }])

      const payload = yield* Webhook.verify(hook)
      expect(payload.events).toEqual([{
        _tag: "ClientEvent",
        channel: "private-chat",
        event: "client-typing",
        data: "{\"typing\":true}",
        socketId: socket
      }])
      const forged = { ...hook, body: hook.body.replace("true", "false") }
      expect(node.webhook({ headers: forged.headers, rawBody: forged.body }).isValid()).toBe(false)
      expect((yield* Effect.flip(Webhook.verify(forged))).reason).toBe("SignatureMismatch")
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("client events carry user_id on presence channels and are validated", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const socket = yield* emulator.subscribe("presence-p", { user: { id: "u9" } })
      yield* emulator.injectClientEvent({ channel: "presence-p", event: "client-x", data: "raw", socketId: socket })
      const hooks = yield* emulator.webhooks
      expect(eventsOf(hooks.at(-1)!)).toEqual([
        {
          name: "client_event",
          channel: "presence-p",
          event: "client-x",
          data: "raw",
          socket_id: socket,
          user_id: "u9"
        }
      ])
      const refused = (event: PusherTest.SimulatedClientEvent) =>
        Effect.map(Effect.flip(emulator.injectClientEvent(event)), (e) => e.field)
      expect(yield* refused({ channel: "presence-p", event: "x", data: 1, socketId: socket })).toBe("event")
      expect(yield* refused({ channel: "public", event: "client-x", data: 1, socketId: socket })).toBe("channel")
      expect(yield* refused({ channel: "presence-p", event: "client-x", data: 1, socketId: "9.9" })).toBe("socketId")
      expect((yield* emulator.webhooks).length).toBe(hooks.length)
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("terminating a user's connections reports the channels they leave", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const socket = yield* emulator.connect({ userId: "zed" })
      yield* emulator.subscribe("presence-z", { socketId: socket, user: { id: "zed" } })
      yield* emulator.reset
      const again = yield* emulator.connect({ userId: "zed" })
      yield* emulator.subscribe("presence-z", { socketId: again, user: { id: "zed" } })
      yield* emulator.takeWebhook
      const handled = yield* Effect.forkChild(emulator.takeWebhook)
      yield* Pusher.terminateUserConnections("zed")
      expect(eventsOf(yield* Fiber.join(handled))).toEqual([
        { name: "member_removed", channel: "presence-z", user_id: "zed" },
        { name: "channel_vacated", channel: "presence-z" }
      ])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.effect("cache misses and subscription counts, when enabled", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const s = yield* emulator.subscribe("cache-c")
      yield* emulator.unsubscribe("cache-c", s)
      expect((yield* emulator.webhooks).map(eventsOf)).toEqual([
        [
          { name: "channel_occupied", channel: "cache-c" },
          { name: "subscription_count", channel: "cache-c", subscription_count: 1 },
          { name: "cache_miss", channel: "cache-c" }
        ],
        [
          { name: "subscription_count", channel: "cache-c", subscription_count: 0 },
          { name: "channel_vacated", channel: "cache-c" }
        ]
      ])
    }).pipe(Effect.provide(PusherTest.layer({ subscriptionCountWebhooks: true }))))

  it.effect("webhookStream replays and follows; deliverWebhooks retries a failing handler", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      yield* emulator.subscribe("a")
      const streamed = yield* emulator.webhookStream.pipe(Stream.take(2), Stream.runCollect, Effect.forkChild)

      const received: Array<unknown> = []
      let attempts = 0
      yield* emulator.deliverWebhooks((request) =>
        Effect.suspend(() => {
          attempts++
          if (attempts === 1) return Effect.fail("handler down")
          received.push(eventsOf(request))
          return Effect.void
        })
      )
      yield* emulator.subscribe("b")
      expect((yield* Fiber.join(streamed)).map(eventsOf)).toEqual([
        [{ name: "channel_occupied", channel: "a" }],
        [{ name: "channel_occupied", channel: "b" }]
      ])
      yield* Effect.yieldNow
      expect(attempts).toBe(1)
      yield* TestClock.adjust("1 second")
      expect(received).toEqual([[{ name: "channel_occupied", channel: "b" }]])
    }).pipe(Effect.scoped, Effect.provide(PusherTest.layer())))
})
