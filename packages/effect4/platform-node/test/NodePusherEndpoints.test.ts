import { Pusher, PusherConfig, PusherEndpoints } from "@effect-pusher/core"
import { NodePusherEndpoints } from "@effect-pusher/platform-node"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { signedWebhookHeaders } from "../../core/test/utils/signedWebhook.js"

const options = { appId: 1, key: "key", secret: "secret" }
const received: Array<string> = []

const { dispose, handler } = NodePusherEndpoints.toHandler(
  PusherEndpoints.router({
    authorizeChannel: (request) =>
      Effect.succeed(
        request.channelName === "private-denied" ? PusherEndpoints.deny("no") : PusherEndpoints.allow
      ),
    authenticateUser: () => Effect.succeed({ id: "ada" }),
    webhook: (payload) => Effect.sync(() => received.push(...payload.events.map((e) => e._tag)))
  }),
  PusherConfig.layer(options)
)

let server: Http.Server
let base: string

beforeAll(async () => {
  server = Http.createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await dispose()
})

const post = (path: string, body: string, headers: Record<string, string>) =>
  fetch(`${base}${path}`, { method: "POST", body, headers })

const form = { "content-type": "application/x-www-form-urlencoded" }

describe("NodePusherEndpoints.toHandler on node:http", () => {
  it("authorizes a channel as pusher-js asks", async () => {
    const response = await post("/pusher/auth", "socket_id=123.456&channel_name=private-orders", form)
    expect(response.status).toBe(200)
    const expected = Effect.runSync(
      Pusher.authorizeChannel("123.456", "private-orders").pipe(
        Effect.provide(Layer.orDie(PusherConfig.layer(options)))
      )
    )
    expect(await response.json()).toEqual(expected)
    expect((await post("/pusher/auth", "socket_id=1.2&channel_name=private-denied", form)).status).toBe(403)
    expect((await post("/pusher/auth", "channel_name=private-orders", form)).status).toBe(400)
  })

  it("signs a user in", async () => {
    const response = await post("/pusher/user-auth", "socket_id=1.2", form)
    expect(response.status).toBe(200)
    expect((await response.json()).user_data).toBe("{\"id\":\"ada\"}")
  })

  it("verifies webhooks over the raw bytes, including non-ASCII bodies", async () => {
    const body = JSON.stringify({
      time_ms: 1,
      events: [{
        name: "client_event",
        channel: "private-ü",
        event: "client-é",
        data: "{\"x\":\"ü\"}",
        socket_id: "1.2"
      }]
    })
    const headers = signedWebhookHeaders(body, options)
    expect((await post("/pusher/webhook", body, headers)).status).toBe(200)
    expect(received).toEqual(["ClientEvent"])
    const forged = await post("/pusher/webhook", body.replace("ü", "u"), headers)
    expect(forged.status).toBe(401)
    expect(received).toEqual(["ClientEvent"])
  })

  it("answers 500 when the layer cannot be built", async () => {
    // toHandler logs why at ERROR through Effect's default logger (console.log): checked here, not printed
    const log = vi.spyOn(console, "log").mockImplementation(() => {})
    const broken = NodePusherEndpoints.toHandler(
      PusherEndpoints.webhook(() => Effect.void),
      PusherConfig.layer({ appId: 1, key: "key", secret: "" })
    )
    const other = Http.createServer(broken.handler)
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve))
    const response = await fetch(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`, { method: "POST" })
    expect(response.status).toBe(500)
    await new Promise<void>((resolve) => other.close(() => resolve()))
    await broken.dispose()
    const lines = log.mock.calls.map((args) => args.map(String).join(" "))
    log.mockRestore()
    const errors = lines.filter((line) => line.includes("level=ERROR") && line.includes("the layer could not be built"))
    expect(errors).toHaveLength(1)
    // One readable line naming the option, not a FiberFailure dumped as JSON.
    expect(errors[0]).toContain("secret")
    expect(errors[0]).not.toContain("FiberFailure")
    expect(errors[0]!.split("\n")).toHaveLength(1)
  })
})
