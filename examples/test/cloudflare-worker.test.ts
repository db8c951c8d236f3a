/**
 * The Worker's `fetch`, called in Node with web `Request`s as workerd would, against the emulator served
 * on 127.0.0.1 (the Worker's `FetchHttpClient` goes through the network).
 */
import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import worker, { type Env } from "../cloudflare-worker/worker.js"
import { form, official, pusherUrl } from "./harness.js"

const socketId = "1234.5678"
const user = "ada@example.com"

const call = (path: string, body: string, headers: Record<string, string>) =>
  Effect.flatMap(NodePusherTest.NodePusherTest, (served) =>
    Effect.promise(async () => {
      const env: Env = { PUSHER_URL: pusherUrl(served) }
      const response = await worker.fetch(
        new Request(`https://worker.example${path}`, { method: "POST", headers, body }),
        env
      )
      return { status: response.status, body: await response.json() as unknown }
    }))

const auth = (channel: string, headers: Record<string, string>) =>
  call("/pusher/auth", form({ socket_id: socketId, channel_name: channel }), {
    "content-type": "application/x-www-form-urlencoded",
    ...headers
  })

const signedIn = { "cf-access-authenticated-user-email": user }

layer(NodePusherTest.layer(), { excludeTestServices: true, timeout: "60 seconds" })("cloudflare-worker", (it) => {
  it.effect("authorizes private and presence channels as pusher@5.3.4 does", () =>
    Effect.gen(function*() {
      const pusher = yield* official
      expect(yield* auth("private-orders", signedIn)).toEqual({
        status: 200,
        body: pusher.authorizeChannel(socketId, "private-orders")
      })
      expect(yield* auth("presence-lobby", signedIn)).toEqual({
        status: 200,
        body: pusher.authorizeChannel(socketId, "presence-lobby", { user_id: user })
      })
    }))

  it.effect("refuses a request without a signed-in user, and a public channel", () =>
    Effect.gen(function*() {
      expect((yield* auth("private-orders", {})).status).toBe(403)
      expect((yield* auth("orders", signedIn)).status).toBe(403)
    }))

  it.effect("a posted message reaches the emulator through fetch", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const answer = yield* call("/rooms/lobby/messages", JSON.stringify({ text: "hello" }), {
        "content-type": "application/json",
        ...signedIn
      })
      expect(answer).toEqual({ status: 200, body: {} })
      const event = yield* emulator.takeEvent({ channel: "presence-lobby" })
      expect(event.data).toEqual({ from: user, text: "hello" })
      const empty = yield* call("/rooms/lobby/messages", JSON.stringify({ text: " " }), {
        "content-type": "application/json",
        ...signedIn
      })
      expect(empty.status).toBe(400)
    }))
})
