import { Pusher, PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import PusherNode from "pusher"

interface NodeResponse {
  readonly status: number
  readonly text: () => Promise<string>
}

/** Runs a pusher@5.3.4 call; a refusal (RequestError with a status) is returned, not thrown. */
const call = (f: () => Promise<NodeResponse>) =>
  Effect.promise(async () => {
    try {
      const response = await f()
      return { status: response.status, body: await response.text() }
    } catch (error) {
      const e = error as { status?: number; body?: string; message?: string }
      return { status: e.status ?? -1, body: e.body ?? e.message ?? "" }
    }
  })

describe("NodePusherTest", () => {
  it.live("pusher@5.3.4 triggers, batches and queries the served emulator", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      expect(served.url).toBe(`http://127.0.0.1:${served.port}`)
      const pusher = new PusherNode({ ...served.pusherOptions })

      const member = yield* emulator.subscribe("presence-room", { user: { id: "ann" } })
      const other = yield* emulator.subscribe("presence-room", { user: { id: "bob" } })

      const trigger = yield* call(() =>
        pusher.trigger(["presence-room", "news"], "greet", { hi: 1 }, {
          socket_id: other,
          info: "user_count,subscription_count"
        })
      )
      expect(trigger.status).toBe(200)
      expect(JSON.parse(trigger.body)).toEqual({
        channels: { "presence-room": { user_count: 2, subscription_count: 2 }, news: { subscription_count: 0 } }
      })
      const greet = yield* emulator.takeEvent({ channel: "presence-room" })
      expect([greet.data, greet.recipients, greet.excludedSocketId]).toEqual([{ hi: 1 }, [member], other])

      const batch = yield* call(() =>
        pusher.triggerBatch([
          { channel: "a", name: "one", data: "1" },
          { channel: "presence-room", name: "two", data: { n: 2 }, info: "user_count" }
        ])
      )
      expect([batch.status, JSON.parse(batch.body)]).toEqual([200, { batch: [{}, { user_count: 2 }] }])
      expect((yield* emulator.takeEvent({ name: "two" })).endpoint).toBe("batch_events")

      const channels = yield* call(() =>
        pusher.get({ path: "/channels", params: { filter_by_prefix: "presence-", info: "user_count" } })
      )
      expect(JSON.parse(channels.body)).toEqual({ channels: { "presence-room": { user_count: 2 } } })
      const channel = yield* call(() =>
        pusher.get({ path: "/channels/presence-room", params: { info: "subscription_count,user_count" } })
      )
      expect(JSON.parse(channel.body)).toEqual({ occupied: true, subscription_count: 2, user_count: 2 })
      const users = yield* call(() => pusher.get({ path: "/channels/presence-room/users" }))
      expect(JSON.parse(users.body)).toEqual({ users: [{ id: "ann" }, { id: "bob" }] })

      const alice = yield* emulator.connect({ userId: "alice" })
      expect((yield* call(() => pusher.sendToUser("alice", "notice", { n: 1 }))).status).toBe(200)
      expect((yield* emulator.takeEvent({ channel: "#server-to-user-alice" })).recipients).toEqual([alice])
      expect((yield* call(() => pusher.terminateUserConnections("alice"))).status).toBe(200)
      expect((yield* emulator.terminations).map((t) => t.socketIds)).toEqual([[alice]])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("answers pusher@5.3.4 with the real error statuses", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      const pusher = new PusherNode({ ...served.pusherOptions })
      const wrongSecret = new PusherNode({ ...served.pusherOptions, secret: "wrong" })
      const otherApp = new PusherNode({ ...served.pusherOptions, appId: "999" })

      const denied = yield* call(() => wrongSecret.trigger("c", "e", "d"))
      expect(denied.status).toBe(401)
      expect(denied.body).toContain("Invalid signature")
      expect((yield* call(() => otherApp.trigger("c", "e", "d"))).status).toBe(404)
      expect((yield* call(() => pusher.get({ path: "/channels/public/users" }))).status).toBe(400)
      expect((yield* call(() => pusher.trigger("c", "e", "x".repeat(10_241)))).status).toBe(413)
      yield* emulator.failNext(PusherTest.Fault.Status({ status: 403 }))
      expect((yield* call(() => pusher.trigger("c", "e", "d"))).status).toBe(403)
      yield* emulator.failNext(PusherTest.Fault.Transport({}))
      const dropped = yield* call(() => pusher.trigger("c", "e", "d"))
      expect(dropped.status).toBe(-1) // no HTTP answer at all
      expect(yield* emulator.events).toEqual([])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("the layer points the Effect client at the served emulator", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.NodePusherTest
      expect(served.port).toBeGreaterThan(0)
      yield* emulator.subscribe("x")
      const result = yield* Pusher.trigger("x", "e", { over: "http" }, { info: ["subscription_count"] })
      expect(result.channels).toEqual({ x: { subscriptionCount: 1 } })
      expect((yield* emulator.takeEvent()).data).toEqual({ over: "http" })
      yield* emulator.failNext(PusherTest.Fault.Transport({}))
      const error = yield* Effect.flip(Pusher.channels())
      expect(error._tag === "TransportError" && error.reason).toBe("Network")
      expect(yield* Pusher.channels()).toEqual({ channels: { x: {} } })
    }).pipe(Effect.provide(Layer.merge(NodePusherTest.layer(), NodeHttpClient.layerUndici))))

  it.live("the layer's port is the server's alone: 0 picks a free one", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.NodePusherTest
      expect(served.port).toBeGreaterThan(0)
      expect(yield* Pusher.channels()).toEqual({ channels: {} })
    }).pipe(Effect.provide(Layer.merge(NodePusherTest.layer({ port: 0 }), NodeHttpClient.layerUndici))))
})
