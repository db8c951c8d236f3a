/**
 * The webhook consumer, in its own process, fed by the emulator's webhooks over HTTP as Pusher would post
 * them; and its `track` fed in process through `Webhook.receive`, forged requests dropped.
 */
import { PusherTest, Webhook } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import { Effect, Ref, Schedule, Stream } from "effect"
import { isDeepStrictEqual } from "node:util"
import { empty, toJson, track } from "../webhook-stream/track.js"
import * as Harness from "./harness.js"

const state = Effect.map(Harness.get("/state"), (answer) => answer.body)

layer(Harness.layer("webhook-stream/server.ts"), { excludeTestServices: true, timeout: "180 seconds" })(
  "webhook-stream",
  (it) => {
    it.scoped("tracks presence members and occupied channels from the webhooks Pusher posts", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        // The emulator posts each webhook to the example, retrying until it is answered 2xx, as Channels does.
        yield* emulator.deliverWebhooks((webhook) =>
          Harness.post("/pusher/webhook", webhook.body, webhook.headers).pipe(
            Effect.filterOrFail((answer) => answer.status === 200, (answer) => answer)
          )
        )
        yield* emulator.subscribe("presence-lobby", { user: { id: "ada" } })
        const grace = yield* emulator.subscribe("presence-lobby", { user: { id: "grace" } })
        yield* emulator.subscribe("private-orders")
        yield* emulator.unsubscribe("presence-lobby", grace)
        const expected = {
          occupied: ["presence-lobby", "private-orders"],
          members: { "presence-lobby": ["ada"] },
          counts: { occupancy: 2, presence: 3 }
        }
        // The endpoint answers once the stream has taken the events: the state follows shortly after.
        yield* state.pipe(
          Effect.repeat({ schedule: Schedule.spaced("50 millis"), until: (body) => isDeepStrictEqual(body, expected) })
        )
        expect(yield* state).toEqual(expected)
      }))

    it.effect("rejects a tampered webhook with 401", () =>
      Effect.gen(function*() {
        const emulator = yield* PusherTest.PusherTest
        yield* emulator.subscribe("private-tampered")
        const webhook = yield* emulator.takeWebhook
        const answer = yield* Harness.post("/pusher/webhook", Harness.tamper(webhook.body), webhook.headers)
        expect(answer.status).toBe(401)
      }))
  }
)

layer(PusherTest.layer())("webhook-stream track, through Webhook.receive", (it) => {
  it.effect("consumes verified requests and drops forged ones", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      yield* emulator.subscribe("presence-room", { user: { id: "ada" } })
      const genuine = yield* emulator.takeWebhook
      const forged = { ...genuine, body: Harness.tamper(genuine.body) }
      const current = yield* Ref.make(empty)
      yield* track(Stream.make(forged, genuine).pipe(Webhook.receive({ onInvalid: "drop" })), current)
      expect(toJson(yield* Ref.get(current))).toEqual({
        occupied: ["presence-room"],
        members: { "presence-room": ["ada"] },
        counts: { occupancy: 1, presence: 1 }
      })
    }))
})
