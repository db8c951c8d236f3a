import { PusherConfig, PusherCrypto, Webhook } from "@effect-pusher/core"
import { NodePusherCrypto } from "@effect-pusher/platform-node"
import { assert, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import PusherNode from "pusher"
import { signedWebhookHeaders, webhookSignature } from "../../../core/test/utils/signedWebhook.js"
import { anyPayload } from "../../../core/test/utils/webhookArbitraries.js"
import { decodePayload } from "../src/internal/webhook.js"
import { officialServer } from "./utils/officialServer.js"

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped callers
const untyped = (value: unknown): any => value

const options = { appId: 1, key: "app-key", secret: "app-secret", webhookTokens: [{ key: "old-key", secret: "old" }] }
const config = PusherConfig.layer(options)

const request = (body: string, overrides: Record<string, string | undefined> = {}): Webhook.WebhookRequest => {
  const headers: Record<string, string> = { ...signedWebhookHeaders(body, { key: "app-key", secret: "app-secret" }) }
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete headers[name]
    else headers[name] = value
  }
  return { headers, body }
}

const verifyResult = (
  req: Webhook.WebhookRequest,
  layer: Layer.Layer<PusherConfig.PusherConfig, unknown> = config,
  crypto: PusherCrypto.Service = PusherCrypto.portable
) =>
  Effect.runSync(
    Effect.result(Webhook.verify(req)).pipe(
      Effect.provide(layer),
      Effect.provide(PusherCrypto.layer(crypto)),
      Effect.orDie
    )
  )

const reasonOf = (result: Result.Result<unknown, { readonly reason: string }>) =>
  Result.isFailure(result) ? result.failure.reason : "accepted"

const body = (events: ReadonlyArray<unknown>, timeMs = 1_700_000_000_000) => JSON.stringify({ time_ms: timeMs, events })

describe("Webhook.verify", () => {
  it("accepts the SPEC §7 known answer", () => {
    const raw = `{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}`
    const result = verifyResult(
      {
        headers: {
          "content-type": "application/json",
          "x-pusher-key": "123456789",
          "x-pusher-signature": "c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5"
        },
        body: raw
      },
      PusherConfig.layer({ appId: 1, key: "123456789", secret: "tofu" })
    )
    expect(result).toEqual(
      Result.succeed({ timeMs: 1403175510755, events: [{ _tag: "ChannelVacated", channel: "test_channel" }] })
    )
  })

  it("decodes every event kind, and keeps unknown kinds whole", () => {
    const raw = body([
      { name: "channel_occupied", channel: "a" },
      { name: "channel_vacated", channel: "a" },
      { name: "member_added", channel: "presence-a", user_id: "u1" },
      { name: "member_removed", channel: "presence-a", user_id: "u1" },
      {
        name: "client_event",
        channel: "presence-a",
        event: "client-x",
        data: "{\"x\":1}",
        socket_id: "1.2",
        user_id: "u1"
      },
      { name: "client_event", channel: "private-a", event: "client-y", data: "hi", socket_id: "1.3" },
      { name: "cache_miss", channel: "cache-a" },
      { name: "subscription_count", channel: "a", subscription_count: 3 },
      { name: "brand_new_kind", channel: "a", detail: { deep: [1, 2] } }
    ])
    const payload = Result.getOrThrow(verifyResult(request(raw)))
    expect(payload.events).toEqual([
      { _tag: "ChannelOccupied", channel: "a" },
      { _tag: "ChannelVacated", channel: "a" },
      { _tag: "MemberAdded", channel: "presence-a", userId: "u1" },
      { _tag: "MemberRemoved", channel: "presence-a", userId: "u1" },
      {
        _tag: "ClientEvent",
        channel: "presence-a",
        event: "client-x",
        data: "{\"x\":1}",
        socketId: "1.2",
        userId: "u1"
      },
      { _tag: "ClientEvent", channel: "private-a", event: "client-y", data: "hi", socketId: "1.3" },
      { _tag: "CacheMiss", channel: "cache-a" },
      { _tag: "SubscriptionCount", channel: "a", subscriptionCount: 3 },
      {
        _tag: "Unknown",
        name: "brand_new_kind",
        raw: { name: "brand_new_kind", channel: "a", detail: { deep: [1, 2] } }
      }
    ])
    // The Schema encodes the decoded payload back to the wire form.
    expect(Schema.encodeSync(Webhook.WebhookPayload)(payload)).toEqual(JSON.parse(raw))
  })

  it("reads headers in any case, from a record or a web Headers, and accepts a charset", () => {
    const raw = body([{ name: "channel_occupied", channel: "a" }])
    const signature = webhookSignature("app-secret", raw)
    const mixed = {
      "Content-Type": "Application/JSON; charset=utf-8",
      "X-Pusher-Key": "app-key",
      "X-PUSHER-SIGNATURE": signature
    }
    expect(reasonOf(verifyResult({ headers: mixed, body: raw }))).toBe("accepted")
    expect(reasonOf(verifyResult({ headers: new Headers(mixed), body: raw }))).toBe("accepted")
    expect(reasonOf(verifyResult({ headers: mixed, body: new TextEncoder().encode(raw) }))).toBe("accepted")
  })

  it("accepts an extra token", () => {
    const raw = body([{ name: "channel_occupied", channel: "a" }])
    expect(
      reasonOf(
        verifyResult(request(raw, { "x-pusher-key": "old-key", "x-pusher-signature": webhookSignature("old", raw) }))
      )
    )
      .toBe("accepted")
  })

  it.each([
    ["no Content-Type", { "content-type": undefined }, "MissingHeader"],
    ["no key", { "x-pusher-key": undefined }, "MissingHeader"],
    ["no signature", { "x-pusher-signature": undefined }, "MissingHeader"],
    ["a text/plain body", { "content-type": "text/plain" }, "UnsupportedContentType"],
    ["an unknown key", { "x-pusher-key": "someone-else" }, "UnknownKey"],
    ["another token's signature", { "x-pusher-signature": webhookSignature("old", body([])) }, "SignatureMismatch"],
    [
      "an uppercase signature",
      { "x-pusher-signature": webhookSignature("app-secret", body([])).toUpperCase() },
      "SignatureMismatch"
    ]
  ])("rejects %s", (_, overrides, reason) => {
    expect(reasonOf(verifyResult(request(body([]), overrides)))).toBe(reason)
  })

  it("rejects a signed body whose envelope is not a webhook payload, saying where", () => {
    expect(reasonOf(verifyResult(request("not json")))).toBe("InvalidBody")
    const result = verifyResult(request(body([[]])))
    expect(Result.isFailure(result) && result.failure.description).toBe("events[0]: must be an object")
    const nameless = verifyResult(request(body([{ channel: "a" }])))
    expect(Result.isFailure(nameless) && nameless.failure.description).toBe("events[0].name: must be a string")
    // A name that is an object with a `toString` key (Effect 3's Schema threw on it) is a typed rejection.
    const odd = verifyResult(request(body([{ name: { toString: 1 } }])))
    expect(Result.isFailure(odd) && odd.failure.description).toBe("events[0].name: must be a string")
  })

  it("never shows a secret or a signature in an error", () => {
    const raw = body([])
    const result = verifyResult(request(raw, { "x-pusher-signature": "0".repeat(64) }))
    const shown = JSON.stringify(Result.flip(result)) + String(Result.isFailure(result) && result.failure.message)
    expect(shown).not.toContain("app-secret")
    expect(shown).not.toContain(webhookSignature("app-secret", raw))
  })

  it("rejects a flip of any single byte of the body or of the signature", () => {
    const raw = body([{ name: "member_added", channel: "presence-a", user_id: "ü" }])
    const signature = webhookSignature("app-secret", raw)
    const flip = (s: string, i: number) => s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1)
    expect(reasonOf(verifyResult(request(raw)))).toBe("accepted")
    for (let i = 0; i < raw.length; i++) {
      expect(reasonOf(verifyResult(request(flip(raw, i), { "x-pusher-signature": signature })))).not.toBe("accepted")
    }
    for (let i = 0; i < signature.length; i++) {
      expect(reasonOf(verifyResult(request(raw, { "x-pusher-signature": flip(signature, i) })))).not.toBe("accepted")
    }
    // Bytes too: flip each bit 0 of the UTF-8 body.
    const bytes = new TextEncoder().encode(raw)
    for (let i = 0; i < bytes.length; i++) {
      const copy = bytes.slice()
      copy[i]! ^= 1
      expect(reasonOf(verifyResult({ ...request(raw), body: copy }))).not.toBe("accepted")
    }
  })

  it("reads the request once: a body that changes between reads is verified and decoded as first read", () => {
    const signed = body([{ name: "channel_occupied", channel: "signed" }])
    let reads = 0
    const changing = {
      headers: request(signed).headers,
      get body() {
        return reads++ === 0 ? signed : body([{ name: "channel_occupied", channel: "forged" }])
      }
    }
    const result = verifyResult(changing)
    expect(reads).toBe(1)
    expect(Result.isSuccess(result) && result.success.events).toEqual([{ _tag: "ChannelOccupied", channel: "signed" }])
  })

  it("only the reading is guarded: a throw in our own code (here the crypto) stays a defect", () => {
    const broken: PusherCrypto.Service = {
      ...PusherCrypto.portable,
      hmacSha256Hex: () => () => {
        throw new Error("bug")
      }
    }
    const exit = Effect.runSyncExit(
      Webhook.verify(request(body([]))).pipe(
        Effect.provide(PusherConfig.layer({ appId: 1, key: "app-key", secret: "fresh-secret" })),
        Effect.provide(PusherCrypto.layer(broken))
      )
    )
    expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
  })

  it.effect("rejects a webhook older than maxAge by the Clock, and only when asked", () =>
    Effect.gen(function*() {
      const raw = body([], 1_000_000)
      yield* TestClock.setTime(1_000_000 + 60_000)
      expect((yield* Webhook.verify(request(raw), { maxAge: "2 minutes" })).timeMs).toBe(1_000_000)
      yield* TestClock.adjust("2 minutes")
      const error = yield* Effect.flip(Webhook.verify(request(raw), { maxAge: "2 minutes" }))
      assert(error._tag === "WebhookError")
      expect(error.reason).toBe("Expired")
      expect((yield* Webhook.verify(request(raw))).timeMs).toBe(1_000_000)
    }).pipe(Effect.provide(config)))

  it.effect("with maxAge, rejects a webhook dated more than 60 s ahead of the Clock (one a year ahead was accepted)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000_000)
      const expired = (timeMs: number) =>
        Effect.map(
          Effect.result(Webhook.verify(request(body([], timeMs)), { maxAge: "5 minutes" })),
          (result) =>
            Result.isFailure(result) && result.failure._tag === "WebhookError" ? result.failure.reason : "accepted"
        )
      expect(yield* expired(1_000_000 + 60_000)).toBe("accepted")
      expect(yield* expired(1_000_000 + 60_001)).toBe("Expired")
      expect(yield* expired(1_000_000 + 365 * 24 * 3_600_000)).toBe("Expired")
      // Without maxAge there is no freshness check at all, as before.
      expect((yield* Webhook.verify(request(body([], 1_000_000 + 365 * 24 * 3_600_000)))).events).toEqual([])
    }).pipe(Effect.provide(config)))

  it.effect("a bad maxAge or an unknown option is a ValidationError naming it, never a defect", () =>
    Effect.gen(function*() {
      const raw = body([], 1_000_000)
      yield* TestClock.setTime(1_000_000)
      const options: ReadonlyArray<readonly [unknown, string]> = [
        [{ maxAge: "banana" }, "maxAge"],
        [{ maxAge: -1 }, "maxAge"],
        [{ maxAge: 0 }, "maxAge"],
        [{ maxAge: Number.NaN }, "maxAge"],
        [{ maxAge: Duration.infinity }, "maxAge"],
        [{ maxAge: Symbol("x") }, "maxAge"],
        [{ maxAgeMs: 1000 }, "options.maxAgeMs"],
        [{ maxage: 1000 }, "options.maxage"],
        [
          Object.defineProperty({}, "maxAge", {
            enumerable: true,
            get: () => {
              throw new Error("boom")
            }
          }),
          "options"
        ],
        [5, "options"]
      ]
      for (const [given, field] of options) {
        const exit = yield* Effect.exit(Webhook.verify(request(raw), untyped(given)))
        assert(Exit.isFailure(exit) && !Cause.hasDies(exit.cause), String(field))
        const error = Cause.findErrorOption(exit.cause)
        assert(Option.isSome(error) && error.value._tag === "ValidationError")
        expect(error.value.field).toBe(field)
      }
      const nearMiss = yield* Effect.flip(Webhook.verify(request(raw), untyped({ maxage: 1000 })))
      expect(nearMiss.message).toContain("did you mean maxAge?")
    }).pipe(Effect.provide(config)))

  it.effect("receive checks its options once, before any request, whatever onInvalid says", () =>
    Effect.gen(function*() {
      const raw = body([], 1_000_000)
      for (const options of [{ maxAge: "banana", onInvalid: "drop" }, { onInvalid: "ignore" }]) {
        const error = yield* Effect.flip(
          Stream.runDrain(Webhook.receive(Stream.make(request(raw)), untyped(options)))
        )
        assert(error._tag === "ValidationError")
      }
    }).pipe(Effect.provide(config)))
})

describe("decoding", () => {
  it("the fast decoder agrees with the WebhookPayload schema", () => {
    const schema = Schema.decodeUnknownResult(Webhook.WebhookPayload)
    fc.assert(
      fc.property(anyPayload, (input) => {
        const fast = decodePayload(input)
        // Effect 4's Schema answers every input (Effect 3's threw on a `name` with a `toString` key).
        const slow = schema(input)
        expect(Result.isSuccess(fast)).toBe(Result.isSuccess(slow))
        if (Result.isSuccess(fast) && Result.isSuccess(slow)) expect(fast.success).toStrictEqual(slow.success)
      }),
      { numRuns: 1000 }
    )
  })
})

describe("differential against pusher@5.3.4 webhook().isValid()", () => {
  const reference = new PusherNode({ appId: "1", key: "app-key", secret: "app-secret", cluster: "mt1" })
  const extra = { key: "old-key", secret: "old" }
  const unicode = fc.string({ unit: "grapheme", maxLength: 20 })
  const event = fc.oneof(
    fc.record({ name: fc.constantFrom("channel_occupied", "channel_vacated", "cache_miss"), channel: unicode }),
    fc.record({ name: fc.constantFrom("member_added", "member_removed"), channel: unicode, user_id: unicode }),
    fc.record({
      name: fc.constant("client_event"),
      channel: unicode,
      event: unicode,
      data: unicode,
      socket_id: unicode
    }),
    fc.record({ name: fc.constant("subscription_count"), channel: unicode, subscription_count: fc.nat() })
  )
  const raw = fc.record({ time_ms: fc.nat(), events: fc.array(event, { maxLength: 3 }) }).map((p) => JSON.stringify(p))
  const case_ = fc.record({
    body: raw,
    key: fc.constantFrom("app-key", "old-key", "nobody"),
    signer: fc.constantFrom("app-secret", "old", "wrong"),
    tamper: fc.boolean()
  })

  for (const [label, crypto] of [["portable", PusherCrypto.portable], ["node", NodePusherCrypto.service]] as const) {
    it(`accepts exactly what isValid() accepts (${label} crypto)`, () => {
      let accepted = 0
      fc.assert(
        fc.property(case_, ({ body, key, signer, tamper }) => {
          const headers = signedWebhookHeaders(tamper ? body + " " : body, { key, secret: signer })
          const theirs = reference.webhook({ headers, rawBody: body }).isValid([extra])
          const ours = verifyResult({ headers, body }, config, crypto)
          if (theirs) accepted++
          expect(Result.isSuccess(ours)).toBe(theirs)
          if (theirs) {
            const events = reference.webhook({ headers, rawBody: body }).getEvents()
            expect(Result.getOrThrow(ours).events.length).toBe(events.length)
          }
        }),
        { numRuns: 300 }
      )
      expect(accepted).toBeGreaterThan(10)
    })
  }

  it("documented fixes: charset, missing header and header case", () => {
    const raw = body([])
    const headers = {
      "content-type": "application/json; charset=utf-8",
      "x-pusher-key": "app-key",
      "x-pusher-signature": webhookSignature("app-secret", raw)
    }
    expect(reference.webhook({ headers, rawBody: raw }).isValid()).toBe(false)
    expect(reasonOf(verifyResult({ headers, body: raw }))).toBe("accepted")
    const { "x-pusher-signature": _, ...unsigned } = headers
    expect(() =>
      reference.webhook({ headers: { ...unsigned, "content-type": "application/json" }, rawBody: raw }).isValid()
    )
      .toThrow()
    expect(reasonOf(verifyResult({ headers: unsigned, body: raw }))).toBe("MissingHeader")
  })
})

describe("encrypted client events", () => {
  const masterKey = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
  const otherKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
  const server = officialServer()

  beforeAll(async () => {
    const reference = server.official({
      appId: "1",
      key: "app-key",
      secret: "app-secret",
      encryptionMasterKeyBase64: masterKey
    })
    await reference.trigger("private-encrypted-room", "client-move", { x: 1, y: "ü" })
  })

  const clientEvent = (data: unknown) =>
    body([{ name: "client_event", channel: "private-encrypted-room", event: "client-move", data, socket_id: "1.2" }])
  const sealed = () => JSON.parse(server.received[0]!.body).data as string

  it("decrypts data sealed by pusher@5.3.4", () => {
    const layer = PusherConfig.layer({ ...options, encryptionMasterKeyBase64: masterKey })
    for (const crypto of [PusherCrypto.portable, NodePusherCrypto.service]) {
      const payload = Result.getOrThrow(verifyResult(request(clientEvent(sealed())), layer, crypto))
      expect(payload.events).toEqual([{
        _tag: "ClientEvent",
        channel: "private-encrypted-room",
        event: "client-move",
        data: { x: 1, y: "ü" },
        socketId: "1.2"
      }])
    }
  })

  it("marks what cannot be decrypted, never passing the ciphertext on as data", () => {
    const cases = [
      [PusherConfig.layer(options), "MissingMasterKey"],
      [PusherConfig.layer({ ...options, encryptionMasterKeyBase64: otherKey }), "DecryptionFailed"]
    ] as const
    for (const [layer, reason] of cases) {
      const [event] = Result.getOrThrow(verifyResult(request(clientEvent(sealed())), layer)).events
      expect(event!._tag).toBe("UndecryptableClientEvent")
      expect(event!._tag === "UndecryptableClientEvent" && event!.error.reason).toBe(reason)
    }
    const layer = PusherConfig.layer({ ...options, encryptionMasterKeyBase64: masterKey })
    const [garbled] = Result.getOrThrow(verifyResult(request(clientEvent("{\"nonce\":1}")), layer)).events
    expect(garbled!._tag === "UndecryptableClientEvent" && garbled!.error.reason).toBe("InvalidPayload")
  })
})

describe("typed client events and streams", () => {
  const Move = Schema.Struct({ x: Schema.Number, y: Schema.Number })
  const move = (x: unknown, channel = "presence-game") => ({
    name: "client_event",
    channel,
    event: "client-move",
    data: JSON.stringify({ x, y: 1 }),
    socket_id: "1.2",
    user_id: "u1"
  })

  it.effect("decodes a client event's data with the user's schema, naming the event when it fails", () =>
    Effect.gen(function*() {
      const decoder = Webhook.clientEvent("client-move", Move)
      const payload = yield* Webhook.verify(request(body([move(3), move("three")])))
      const [good, bad] = payload.events
      expect(decoder.is(good!)).toBe(true)
      const decoded = yield* decoder.decode(good as Webhook.ClientEvent)
      expect(decoded).toEqual({
        _tag: "ClientEvent",
        channel: "presence-game",
        event: "client-move",
        data: { x: 3, y: 1 },
        socketId: "1.2",
        userId: "u1"
      })
      const error = yield* Effect.flip(decoder.decode(bad as Webhook.ClientEvent))
      expect(error._tag === "WebhookError" && error.reason).toBe("InvalidEventData")
      expect(error.message).toContain(`"client-move"`)
      expect(error.message).toContain("presence-game")
    }).pipe(Effect.provide(config)))

  it.effect("pipes requests, some forged, through to an aggregate", () => {
    const logs: Array<string> = []
    const logger = Logger.layer([Logger.make(({ message }) => logs.push(String(message)))])
    return Effect.gen(function*() {
      const requests = [
        request(body([move(1), { name: "member_added", channel: "presence-game", user_id: "u2" }])),
        request(body([move(100)]), { "x-pusher-signature": webhookSignature("attacker", body([move(100)])) }),
        request(body([move(2), move("bad")])),
        request(body([move(1000)]), { "x-pusher-key": "unknown" }),
        request(body([move(4), { name: "future_event" }]))
      ]
      const total = yield* Stream.fromIterable(requests).pipe(
        Webhook.receive({ onInvalid: "drop" }),
        Webhook.clientEvents("client-move", Move, { onInvalid: "drop" }),
        Stream.runFold(() => 0, (sum, event) => sum + event.data.x)
      )
      expect(total).toBe(1 + 2 + 4)
      expect(logs.length).toBe(3)
      expect(logs.join("\n")).not.toContain("app-secret")

      // The data-first forms give the same.
      const dataFirst = yield* Stream.runFold(
        Webhook.clientEvents(
          Webhook.receive(Stream.fromIterable(requests), { onInvalid: "drop" }),
          "client-move",
          Move,
          {
            onInvalid: "drop"
          }
        ),
        () => 0,
        (sum, event) => sum + event.data.x
      )
      expect(dataFirst).toBe(total)

      const all = yield* Stream.fromIterable(requests.slice(0, 1)).pipe(Webhook.receive(), Stream.runCollect)
      expect(all.map((event) => event._tag)).toEqual(["ClientEvent", "MemberAdded"])

      const failed = yield* Effect.flip(Stream.runDrain(Webhook.receive()(Stream.fromIterable(requests))))
      expect(failed._tag === "WebhookError" && failed.reason).toBe("SignatureMismatch")

      const events = yield* Webhook.verify(requests[0]!).pipe(
        Effect.map(Webhook.events),
        Stream.unwrap,
        Stream.runCount
      )
      expect(events).toBe(2)
    }).pipe(Effect.provide(config), Effect.provide(logger))
  })
})
