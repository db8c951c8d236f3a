// Unauthenticated requests against the HttpApp endpoints (issue 13, point 1), with bodies that count what the
// endpoint pulls from them: no body is read before the headers pass, at most the limit + one chunk is read,
// and the answer comes while the body still has most of its 100 MB to give.
import { PusherConfig, PusherEndpoints } from "@effect-pusher/core"
import * as Limits from "@effect-pusher/protocol/Limits"
import { describe, expect, it } from "@effect/vitest"
import * as ByteSize from "effect/ByteSize"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as HttpEffect from "effect/http/HttpEffect"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import { signedWebhookHeaders } from "./utils/signedWebhook.js"

const credentials = { appId: 1, key: "key", secret: "secret" }
const config = PusherConfig.layer(credentials)

// The endpoints log an oversized webhook (and a broken option) at ERROR, for the operator: here the lines are
// kept and checked instead of printed, so a passing run prints none.
const logged: Array<string> = []
const captureLogs = Logger.layer([
  Logger.make(({ logLevel, message }) => {
    logged.push(`${logLevel.toUpperCase()} ${String(message)}`)
  })
])

const handler = (
  app: Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    unknown,
    PusherConfig.PusherConfig | HttpServerRequest.HttpServerRequest
  >
) => HttpEffect.toWebHandlerLayer(app, Layer.merge(Layer.orDie(config), captureLogs))

// An app run under a server's `MaxBodySize`, as `NodeHttpServer` runs its apps.
const withMaxBodySize = <E, R>(
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>,
  bytes: number
) => Effect.provideService(app, HttpIncomingMessage.MaxBodySize, ByteSize.fromInputUnsafe(bytes))

const expectLogged = (text: string) => {
  expect(logged.filter((line) => line.startsWith("ERROR") && line.includes(text))).toHaveLength(1)
  logged.length = 0
}

const total = 100 * 1024 * 1024
const chunk = 64 * 1024

/** A 100 MB body made as it is pulled, counting the bytes handed out. */
const hugeBody = () => {
  const counter = { pulled: 0, done: false }
  const stream = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (counter.pulled >= total) {
        counter.done = true
        return controller.close()
      }
      counter.pulled += chunk
      controller.enqueue(new Uint8Array(chunk).fill(0x61))
    }
  }, { highWaterMark: 0 })
  return { counter, stream }
}

const request = (path: string, headers: Record<string, string>, body: ReadableStream<Uint8Array> | string) =>
  new Request(`http://localhost${path}`, { method: "POST", headers, body, duplex: "half" } as RequestInit)

const signed = { "content-type": "application/json", "x-pusher-key": "key", "x-pusher-signature": "0".repeat(64) }
const form = { "content-type": "application/x-www-form-urlencoded" }

const webhook = PusherEndpoints.webhook(() => Effect.void, { maxBodyBytes: 256 * 1024 })
const auth = PusherEndpoints.channelAuthorization(() => Effect.succeed(PusherEndpoints.allow))

describe("PusherEndpoints under a 100 MB body", () => {
  it("webhook: 413 after reading at most the limit + 64 KiB, before the body ends, connection closed", async () => {
    const { dispose, handler: handle } = handler(webhook)
    const { counter, stream } = hugeBody()
    const response = await handle(request("/", signed, stream))
    expect(response.status).toBe(413)
    expect(response.headers.get("connection")).toBe("close")
    expect(counter.done).toBe(false)
    expect(counter.pulled).toBeLessThanOrEqual(256 * 1024 + 64 * 1024)
    expectLogged("its body is over maxBodyBytes")
    await dispose()
  })

  it("webhook: 401 for an unknown key or a missing signature and 415 for another type, reading nothing", async () => {
    const { dispose, handler: handle } = handler(webhook)
    const cases: ReadonlyArray<readonly [Record<string, string>, number]> = [
      [{ ...signed, "x-pusher-key": "k".repeat(100_000) }, 401],
      [{ "content-type": "application/json", "x-pusher-key": "key" }, 401],
      [{ ...signed, "content-type": "text/plain" }, 415]
    ]
    for (const [headers, status] of cases) {
      const { counter, stream } = hugeBody()
      const response = await handle(request("/", headers, stream))
      expect(response.status).toBe(status)
      expect(counter.pulled).toBe(0)
      // The unknown key is quoted as an excerpt only.
      expect((await response.text()).length).toBeLessThan(400)
    }
    await dispose()
  })

  it("webhook: a Content-Length over the limit is refused without reading", async () => {
    const { dispose, handler: handle } = handler(webhook)
    const { counter, stream } = hugeBody()
    const response = await handle(request("/", { ...signed, "content-length": String(total) }, stream))
    expect(response.status).toBe(413)
    expect(counter.pulled).toBe(0)
    expectLogged("its body is over maxBodyBytes")
    await dispose()
  })

  it("auth: 413 over 64 KiB by default, reading at most the limit + 64 KiB; 415 for another type, reading nothing", async () => {
    const { dispose, handler: handle } = handler(auth)
    const big = hugeBody()
    const response = await handle(request("/", form, big.stream))
    expect(response.status).toBe(413)
    expect(big.counter.done).toBe(false)
    expect(big.counter.pulled).toBeLessThanOrEqual(Limits.defaultMaxAuthBodyBytes + 64 * 1024)
    const typed = hugeBody()
    expect((await handle(request("/", { "content-type": "text/plain" }, typed.stream))).status).toBe(415)
    expect(typed.counter.pulled).toBe(0)
    await dispose()
  })

  it("a server MaxBodySize lowers the default; an endpoint's own option wins", async () => {
    const lowered = withMaxBodySize(auth, 1024)
    const { dispose, handler: handle } = handler(lowered)
    const body = `socket_id=123.456&channel_name=private-a&pad=${"x".repeat(2000)}`
    expect((await handle(request("/", form, body))).status).toBe(413)
    await dispose()
    const own = withMaxBodySize(
      PusherEndpoints.channelAuthorization(() => Effect.succeed(PusherEndpoints.allow), { maxBodyBytes: 4096 }),
      1024
    )
    const second = handler(own)
    expect((await second.handler(request("/", form, body))).status).toBe(200)
    await second.dispose()
  })

  it("an invalid maxBodyBytes answers 500, not a throw", async () => {
    const { dispose, handler: handle } = handler(
      PusherEndpoints.channelAuthorization(() => Effect.succeed(PusherEndpoints.allow), {
        maxBodyBytes: "banana" as unknown as number
      })
    )
    expect((await handle(request("/", form, "socket_id=1.2&channel_name=private-a"))).status).toBe(500)
    expectLogged("maxBodyBytes must be a non-negative number of bytes")
    await dispose()
  })

  it("an invalid maxAge answers 500 (the server's configuration), not 401 to every genuine webhook", async () => {
    const { dispose, handler: handle } = handler(
      PusherEndpoints.webhook(() => Effect.void, { maxAge: "banana" as unknown as number })
    )
    const body = JSON.stringify({ time_ms: 1, events: [] })
    expect((await handle(request("/", signedWebhookHeaders(body, credentials), body))).status).toBe(500)
    await dispose()
  })
})

describe("PusherEndpoints option keys", () => {
  const body = JSON.stringify({ time_ms: 1, events: [] })

  it("a misspelled webhook option answers 500 and is logged: never a webhook endpoint without its maxAge", async () => {
    const { dispose, handler: handle } = handler(
      PusherEndpoints.webhook(
        () => Effect.void,
        { maxAgeMs: 1000 } as unknown as PusherEndpoints.WebhookEndpointOptions
      )
    )
    expect((await handle(request("/", signedWebhookHeaders(body, credentials), body))).status).toBe(500)
    expectLogged("options.maxAgeMs")
    await dispose()
  })

  it("a misspelled auth option answers 500, naming the key meant", async () => {
    const { dispose, handler: handle } = handler(
      PusherEndpoints.channelAuthorization(
        () => Effect.succeed(PusherEndpoints.allow),
        { maxBodySize: 4096 } as unknown as PusherEndpoints.EndpointOptions
      )
    )
    expect((await handle(request("/", form, "socket_id=1.2&channel_name=private-a"))).status).toBe(500)
    expectLogged("use maxBodyBytes")
    await dispose()
  })

  it("webhookStream fails with a ValidationError naming a misspelled or invalid option", async () => {
    const failure = async (options: unknown) => {
      const exit = await Effect.runPromiseExit(
        Effect.scoped(PusherEndpoints.webhookStream(options as PusherEndpoints.WebhookEndpointOptions))
      )
      return exit._tag === "Failure" ? Cause.squash(exit.cause) : undefined
    }
    expect(await failure({ capasity: 4 })).toMatchObject({ _tag: "ValidationError", field: "options.capasity" })
    expect(await failure({ capacity: 0 })).toMatchObject({ _tag: "ValidationError", field: "capacity" })
  })
})

describe("PusherEndpoints error answers", () => {
  it("quote an excerpt of a 10 MB field name, not the name", async () => {
    const { dispose, handler: handle } = handler(
      PusherEndpoints.channelAuthorization(() => Effect.succeed(PusherEndpoints.allow), { maxBodyBytes: 30_000_000 })
    )
    const name = "n".repeat(10_000_000)
    const response = await handle(request("/", form, `${name}=1&${name}=2`))
    expect(response.status).toBe(400)
    const text = await response.text()
    expect(text.length).toBeLessThan(400)
    expect(text).toContain("10000000 characters")
    await dispose()
  })

  it("a genuine webhook under the default limit still passes", async () => {
    const { dispose, handler: handle } = handler(PusherEndpoints.webhook(() => Effect.void))
    const body = JSON.stringify({ time_ms: 1, events: [{ name: "channel_occupied", channel: "c" }] })
    const response = await handle(request("/", signedWebhookHeaders(body, credentials), body))
    expect(response.status).toBe(200)
    await dispose()
  })
})

describe("Limits", () => {
  it("derives the webhook limit as max(1 MiB, 100 × maxPayloadBytes)", () => {
    expect(Limits.maxWebhookBodyBytes(Limits.defaultMaxPayloadBytes)).toBe(1_048_576)
    expect(Limits.maxWebhookBodyBytes(100_000)).toBe(10_000_000)
    // The worst genuine webhook on the default plan fits: 20 events of 3× escaped data + 1 KiB each.
    expect(Limits.maxEventsPerWebhook * (3 * Limits.defaultMaxPayloadBytes + 1024)).toBeLessThan(
      Limits.maxWebhookBodyBytes(Limits.defaultMaxPayloadBytes)
    )
  })

  it("excerpts keep short texts and never split a surrogate pair", () => {
    expect(Limits.excerpt("short")).toBe("short")
    const cut = Limits.excerpt(`${"a".repeat(99)}😀${"b".repeat(10)}`)
    expect(cut.startsWith(`${"a".repeat(99)}…`)).toBe(true)
    expect(cut).toContain("111 characters")
  })
})
