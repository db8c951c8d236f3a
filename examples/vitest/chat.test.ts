/**
 * Testing code that uses effect-pusher with `PusherTest`: an in-memory Channels app that checks every
 * request as Channels does, records what was triggered, simulates connections and sends signed webhooks.
 * No network, no credentials; the `TestClock` drives time.
 */
import { PusherTest } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import { Effect, HashSet, Layer } from "effect"
import { ban, Online, onWebhook, postMessage, whoIsOnline } from "./chat.js"

// A fresh emulator (and its config and HTTP client) for each test, and the app's own services.
const TestLayer = Layer.merge(PusherTest.layer(), Online.layer)

describe("chat", () => {
  it.effect("a message reaches everyone in the room but its sender", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      const alice = yield* pusher.subscribe("presence-lobby", { user: { id: "alice" } })
      const bob = yield* pusher.subscribe("presence-lobby", { user: { id: "bob" } })
      yield* postMessage("lobby", { from: "alice", text: "hi" }, alice)
      const event = yield* pusher.takeEvent({ channel: "presence-lobby", name: "message" })
      expect(event.data).toEqual({ from: "alice", text: "hi" })
      expect(event.recipients).toEqual([bob])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("who is online follows the presence webhooks", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      yield* pusher.subscribe("presence-lobby", { user: { id: "alice" } })
      const bob = yield* pusher.subscribe("presence-lobby", { user: { id: "bob" } })
      yield* pusher.unsubscribe("presence-lobby", bob)
      // Hand each signed webhook to the app's handler, as Pusher would post it.
      for (const webhook of yield* pusher.webhooks) yield* onWebhook(webhook)
      expect(HashSet.toValues(yield* whoIsOnline)).toEqual(["alice"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a forged webhook is refused", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      yield* pusher.subscribe("presence-lobby", { user: { id: "mallory" } })
      const webhook = yield* pusher.takeWebhook
      const forged = { ...webhook, body: webhook.body.replace("mallory", "admin") }
      const error = yield* Effect.flip(onWebhook(forged))
      expect(error).toMatchObject({ _tag: "WebhookError", reason: "SignatureMismatch" })
      expect(HashSet.size(yield* whoIsOnline)).toBe(0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a Channels outage is a typed error", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      yield* pusher.failNext(PusherTest.Fault.Status({ status: 503 }))
      const error = yield* Effect.flip(postMessage("lobby", { from: "alice", text: "hi" }))
      expect(error._tag === "HttpError" && error.reason).toBe("ServerError")
      expect(yield* pusher.events).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a ban tells the room and closes the user's connections", () =>
    Effect.gen(function*() {
      const pusher = yield* PusherTest.PusherTest
      const mallory = yield* pusher.connect({ userId: "mallory" })
      yield* pusher.subscribe("presence-lobby", { socketId: mallory, user: { id: "mallory" } })
      yield* ban("lobby", "mallory")
      expect((yield* pusher.takeEvent({ name: "banned" })).data).toEqual({ userId: "mallory" })
      expect((yield* pusher.terminations).map((t) => t.socketIds)).toEqual([[mallory]])
    }).pipe(Effect.provide(TestLayer)))
})
