import { Pusher, PusherConfig, PusherEndpoints, Webhook } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as HttpEffect from "effect/http/HttpEffect"
import * as HttpRouter from "effect/http/HttpRouter"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { signedWebhookHeaders } from "./utils/signedWebhook.js"

const config = PusherConfig.layer({
  appId: 1,
  key: "key",
  secret: "secret",
  encryptionMasterKeyBase64: "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
})
const configNoKey = PusherConfig.layer({ appId: 1, key: "key", secret: "secret" })

const handler = (
  app: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    unknown,
    PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
  >,
  layer: Layer.Layer<PusherConfig.PusherConfig, unknown> = config
) => HttpEffect.toWebHandlerLayer(app, layer)

const form = (fields: Record<string, string>) =>
  new Request("http://localhost/pusher/auth", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString()
  })

const expected = <A>(effect: Effect.Effect<A, unknown, PusherConfig.PusherConfig>) =>
  Effect.runSync(Effect.provide(effect, configNoKey))

const authorize = PusherEndpoints.channelAuthorization((request) =>
  Effect.succeed(
    request.channelName.startsWith("presence-")
      ? PusherEndpoints.allowPresence({ user_id: "ada", user_info: { name: "Ada" } })
      : request.channelName.includes("secret")
      ? PusherEndpoints.deny("not yours")
      : PusherEndpoints.allow
  )
)

describe("PusherEndpoints.channelAuthorization", () => {
  it("answers what Pusher.authorizeChannel signs, for a form post", async () => {
    const { dispose, handler: handle } = handler(authorize)
    const response = await handle(form({ socket_id: "123.456", channel_name: "private-orders" }))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual(expected(Pusher.authorizeChannel("123.456", "private-orders")))
    const presence = await handle(form({ socket_id: "123.456", channel_name: "presence-lobby" }))
    expect(await presence.json()).toEqual(
      expected(Pusher.authorizeChannel("123.456", "presence-lobby", { user_id: "ada", user_info: { name: "Ada" } }))
    )
    await dispose()
  })

  it("accepts JSON and adds shared_secret for encrypted channels", async () => {
    const { dispose, handler: handle } = handler(authorize)
    const response = await handle(
      new Request("http://localhost/pusher/auth", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ socket_id: "123.456", channel_name: "private-encrypted-bla" })
      })
    )
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.shared_secret).toBe("nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=")
    await dispose()
  })

  it("answers 403 when denied or impossible, 400 for a malformed request, 500 without a master key", async () => {
    const { dispose, handler: handle } = handler(authorize)
    const denied = await handle(form({ socket_id: "123.456", channel_name: "private-secret" }))
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ error: "not yours" })
    const publicChannel = await handle(form({ socket_id: "123.456", channel_name: "news" }))
    expect(publicChannel.status).toBe(403)
    const missing = await handle(form({ channel_name: "private-orders" }))
    expect(missing.status).toBe(400)
    const badSocket = await handle(form({ socket_id: "123.456\n", channel_name: "private-orders" }))
    expect(badSocket.status).toBe(400)
    await dispose()
    const noKey = handler(authorize, configNoKey)
    const encrypted = await noKey.handler(form({ socket_id: "1.2", channel_name: "private-encrypted-x" }))
    expect(encrypted.status).toBe(500)
    expect((await encrypted.json()).error).toContain("encryptionMasterKeyBase64")
    await noKey.dispose()
  })

  it("answers 500 when the authorizer fails", async () => {
    const failing = PusherEndpoints.channelAuthorization(() => Effect.fail("database down"))
    const { dispose, handler: handle } = handler(failing)
    const response = await handle(form({ socket_id: "1.2", channel_name: "private-x" }))
    expect(response.status).toBe(500)
    await dispose()
  })
})

describe("PusherEndpoints.userAuthentication", () => {
  const authenticate = PusherEndpoints.userAuthentication((request) =>
    Effect.succeed(request.socketId === "9.9" ? PusherEndpoints.deny() : { id: "ada", user_info: { role: "admin" } })
  )

  it("signs the user in, 403 when denied, 400 when malformed", async () => {
    const { dispose, handler: handle } = handler(authenticate)
    const ok = await handle(form({ socket_id: "123.456" }))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual(
      expected(Pusher.authenticateUser("123.456", { id: "ada", user_info: { role: "admin" } }))
    )
    expect((await handle(form({ socket_id: "9.9" }))).status).toBe(403)
    expect((await handle(form({ socket_id: "x" }))).status).toBe(400)
    await dispose()
  })

  it("refuses invalid user data with 403", async () => {
    const bad = PusherEndpoints.userAuthentication(() => Effect.succeed({ id: "" }))
    const { dispose, handler: handle } = handler(bad)
    expect((await handle(form({ socket_id: "1.2" }))).status).toBe(403)
    await dispose()
  })
})

const signedWebhook = (body: string, secret = "secret", key = "key") =>
  new Request("http://localhost/pusher/webhook", {
    method: "POST",
    headers: { ...signedWebhookHeaders(body, { key, secret }), "content-type": "application/json; charset=utf-8" },
    body
  })

const payload = (name: string) =>
  JSON.stringify({ time_ms: 1700000000000, events: [{ name: "channel_occupied", channel: name }] })

describe("PusherEndpoints.webhook", () => {
  it("answers 200 after the handler ran, 401 for a forgery, 400 for a bad body", async () => {
    const seen: Array<Webhook.WebhookEvent> = []
    const app = PusherEndpoints.webhook((p) => Effect.sync(() => seen.push(...p.events)))
    const { dispose, handler: handle } = handler(app)
    expect((await handle(signedWebhook(payload("a")))).status).toBe(200)
    expect(seen).toEqual([{ _tag: "ChannelOccupied", channel: "a" }])
    expect((await handle(signedWebhook(payload("b"), "wrong"))).status).toBe(401)
    expect((await handle(signedWebhook(payload("b"), "secret", "other"))).status).toBe(401)
    expect((await handle(signedWebhook("{not json"))).status).toBe(400)
    expect(seen.length).toBe(1)
    await dispose()
  })

  it("answers 500 when the handler fails, so Pusher retries", async () => {
    const app = PusherEndpoints.webhook(() => Effect.fail("busy"))
    const { dispose, handler: handle } = handler(app)
    expect((await handle(signedWebhook(payload("a")))).status).toBe(500)
    await dispose()
  })

  it("answers a verification error only: a WebhookError of the handler itself propagates (500)", async () => {
    const Move = Webhook.clientEvent("client-move", Schema.Struct({ x: Schema.Number }))
    const app = PusherEndpoints.webhook((p) =>
      Effect.forEach(p.events, (event) => Move.is(event) ? Move.decode(event) : Effect.void)
    )
    const { dispose, handler: handle } = handler(app)
    const body = JSON.stringify({
      time_ms: 1,
      events: [{ name: "client_event", channel: "private-a", event: "client-move", data: "{}", socket_id: "1.2" }]
    })
    expect((await handle(signedWebhook(body))).status).toBe(500)
    await dispose()
  })
})

describe("PusherEndpoints.webhookStream", () => {
  it.effect("answers only once the stream's consumer has taken the events", () =>
    Effect.gen(function*() {
      const { endpoint, events } = yield* PusherEndpoints.webhookStream({ capacity: 1 })
      const { dispose, handler: handle } = handler(endpoint)
      let answered = false
      const pending = handle(signedWebhook(payload("x"))).then((r) => {
        answered = true
        return r.status
      })
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(answered).toBe(false)
      const taken = yield* Stream.runCollect(Stream.take(events, 1))
      expect(taken).toEqual([{ _tag: "ChannelOccupied", channel: "x" }])
      expect(yield* Effect.promise(() => pending)).toBe(200)
      // A forged request never reaches the stream.
      expect(yield* Effect.promise(() => handle(signedWebhook(payload("y"), "wrong")).then((r) => r.status))).toBe(401)
      const next = yield* Effect.forkChild(Stream.runCollect(Stream.take(events, 1)))
      expect(yield* Effect.promise(() => handle(signedWebhook(payload("z"))).then((r) => r.status))).toBe(200)
      expect(yield* Fiber.join(next)).toEqual([{ _tag: "ChannelOccupied", channel: "z" }])
      yield* Effect.promise(dispose)
    }))
})

describe("PusherEndpoints.webhookStream, closing", () => {
  it.effect("answers 503 to waiting and later requests once its scope is closed, so Pusher retries", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const { endpoint } = yield* Scope.provide(PusherEndpoints.webhookStream({ capacity: 4 }), scope)
      const { dispose, handler: handle } = handler(endpoint)
      const waiting = handle(signedWebhook(payload("x"))).then((r) => r.status)
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      yield* Scope.close(scope, Exit.void)
      expect(yield* Effect.promise(() => waiting)).toBe(503)
      expect(yield* Effect.promise(() => handle(signedWebhook(payload("y"))).then((r) => r.status))).toBe(503)
      yield* Effect.promise(dispose)
    }))
})

describe("PusherEndpoints.router", () => {
  it("mounts the given endpoints at their default paths", async () => {
    const routes = PusherEndpoints.router({
      authorizeChannel: () => Effect.succeed(PusherEndpoints.allow),
      authenticateUser: () => Effect.succeed({ id: "ada" }),
      webhook: () => Effect.void
    })
    const { dispose, handler: handle } = HttpRouter.toWebHandler(Layer.mergeAll(routes, config), {
      disableLogger: true
    })
    expect((await handle(form({ socket_id: "1.2", channel_name: "private-a" }))).status).toBe(200)
    const user = await handle(
      new Request("http://localhost/pusher/user-auth", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "socket_id=1.2"
      })
    )
    expect(await user.json()).toEqual(expected(Pusher.authenticateUser("1.2", { id: "ada" })))
    expect((await handle(signedWebhook(payload("a")))).status).toBe(200)
    expect((await handle(new Request("http://localhost/other", { method: "POST" }))).status).toBe(404)
    await dispose()
  })
})
