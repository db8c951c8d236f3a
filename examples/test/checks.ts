/**
 * The checks every auth endpoint example passes (Express, node:http, Effect HTTP server): answers equal to
 * pusher@5.3.4's for private and presence channels and for user authentication, refusals for strangers
 * and public channels; and its webhook endpoint accepts a webhook the emulator signed and rejects a
 * tampered one.
 */
import { PusherTest } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Harness from "./harness.js"
import { form, formHeaders, official, post, tamper } from "./harness.js"

const socketId = "1234.5678"

export const privateChannel = Effect.gen(function*() {
  const pusher = yield* official
  const answer = yield* post(
    "/pusher/auth",
    form({ socket_id: socketId, channel_name: "private-orders" }),
    formHeaders("token-ada")
  )
  expect(answer).toEqual({ status: 200, body: pusher.authorizeChannel(socketId, "private-orders") })
})

export const presenceChannel = Effect.gen(function*() {
  const pusher = yield* official
  const answer = yield* post(
    "/pusher/auth",
    form({ socket_id: socketId, channel_name: "presence-lobby" }),
    formHeaders("token-grace")
  )
  expect(answer).toEqual({
    status: 200,
    body: pusher.authorizeChannel(socketId, "presence-lobby", { user_id: "grace", user_info: { name: "Grace Hopper" } })
  })
})

export const refusals = Effect.gen(function*() {
  const stranger = yield* post(
    "/pusher/auth",
    form({ socket_id: socketId, channel_name: "private-orders" }),
    formHeaders()
  )
  expect(stranger.status).toBe(403)
  // A token that is a property name of every object is no session.
  const prototypeToken = yield* post(
    "/pusher/auth",
    form({ socket_id: socketId, channel_name: "private-orders" }),
    formHeaders("constructor")
  )
  expect(prototypeToken.status).toBe(403)
  const publicChannel = yield* post(
    "/pusher/auth",
    form({ socket_id: socketId, channel_name: "orders" }),
    formHeaders("token-ada")
  )
  expect(publicChannel.status).toBe(403)
  const malformed = yield* post(
    "/pusher/auth",
    form({ socket_id: "nope", channel_name: "private-orders" }),
    formHeaders("token-ada")
  )
  expect([400, 403]).toContain(malformed.status)
})

export const userAuthentication = (expectedUser: Record<string, unknown>) =>
  Effect.gen(function*() {
    const pusher = yield* official
    const answer = yield* post("/pusher/user-auth", form({ socket_id: socketId }), formHeaders("token-ada"))
    expect(answer).toEqual({ status: 200, body: pusher.authenticateUser(socketId, { id: "ada", ...expectedUser }) })
    const stranger = yield* post("/pusher/user-auth", form({ socket_id: socketId }), formHeaders())
    expect(stranger.status).toBe(403)
  })

export const webhooks = Effect.gen(function*() {
  const emulator = yield* PusherTest.PusherTest
  yield* emulator.subscribe("presence-lobby", { user: { id: "ada" } })
  const first = yield* emulator.takeWebhook // channel_occupied, member_added
  const accepted = yield* post("/pusher/webhook", first.body, first.headers)
  expect(accepted.status).toBe(200)
  const forged = yield* post("/pusher/webhook", tamper(first.body), first.headers)
  expect(forged.status).toBe(401)
  const unsigned = yield* post("/pusher/webhook", first.body, { "content-type": "application/json" })
  expect(unsigned.status).toBe(401)
})

export const trigger = Effect.gen(function*() {
  const emulator = yield* PusherTest.PusherTest
  const json = { "content-type": "application/json", authorization: "Bearer token-ada" }
  const answer = yield* post("/rooms/lobby/messages", JSON.stringify({ text: "hello" }), json)
  expect(answer.status).toBe(200)
  const event = yield* emulator.takeEvent({ channel: "presence-lobby", name: "message" })
  expect(event.data).toEqual({ from: "ada", text: "hello" })
  const stranger = yield* post("/rooms/lobby/messages", JSON.stringify({ text: "hello" }), {
    "content-type": "application/json"
  })
  expect(stranger.status).toBe(403)
})

/**
 * The suite of a server example: started in its own process against the emulator, then every check above.
 * `user` is what the example signs Ada in with, besides her id.
 */
export const suite = (name: string, user: Record<string, unknown>, options?: { readonly trigger?: boolean }) =>
  layer(Harness.layer(`${name}/server.ts`), { excludeTestServices: true, timeout: "180 seconds" })(name, (it) => {
    it.effect("authorizes a private channel as pusher@5.3.4 does", () => privateChannel)
    it.effect("authorizes a presence channel with the session's user", () => presenceChannel)
    it.effect("refuses strangers, public channels and malformed requests", () => refusals)
    it.effect("signs the session's user in", () => userAuthentication(user))
    it.effect("accepts a signed webhook and rejects a tampered one", () => webhooks)
    if (options?.trigger) it.effect("a posted message reaches the emulator", () => trigger)
  })
