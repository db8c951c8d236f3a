import { Pusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as TestClock from "effect/testing/TestClock"
import * as fc from "fast-check"
import { createHash, createHmac } from "node:crypto"
import * as CoreSigning from "../src/internal/signing.js"
import { makeRecorder, signedUrl } from "./utils/recorder.js"

// The protocol's signedQuery with the signers core prepares (and caches) for a config and crypto.
const Signing = {
  signedQuery: (
    config: PusherConfig.Service,
    crypto: PusherCrypto.Service,
    ...rest: Parameters<typeof ProtocolSigning.signedQuery> extends [unknown, ...infer R] ? R : never
  ) => ProtocolSigning.signedQuery(CoreSigning.requestSigner(config, crypto), ...rest)
}

const configOf = (options: PusherConfig.Options): PusherConfig.Service =>
  Result.getOrThrowWith(PusherConfig.validate(options), (error) => new Error(String(error)))

const tofu = configOf({ appId: 1234, key: "f00d", secret: "tofu" })
const reference = configOf({ appId: 3, key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" })
const referenceBody = `{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}`

// An independent implementation on node:crypto, to check that the portable one is not the only witness.
const nodeCrypto: PusherCrypto.Service = {
  ...PusherCrypto.portable,
  hmacSha256Hex: (key) => (message) => createHmac("sha256", key).update(message, "utf8").digest("hex"),
  md5Hex: (message) => createHash("md5").update(message, "utf8").digest("hex")
}

describe("signedQuery known answers (SPEC §7)", () => {
  for (const [name, crypto] of [["portable", PusherCrypto.portable], ["node:crypto", nodeCrypto]] as const) {
    it(`GET /event with body "example body" (${name})`, () => {
      expect(Signing.signedQuery(tofu, crypto, "GET", "/event", [], "example body", 1234567890)).toBe(
        "auth_key=f00d&auth_timestamp=1234567890&auth_version=1.0&body_md5=165d5e6d7ca8f73b3853ce45addf42fc" +
          "&auth_signature=a650196dc427ebe837226f8565ca9232198c6d1b9455eaa72374a9dc0b620e7b"
      )
    })

    it(`GET /event with params {foo: "bar", baz: 123454321} (${name})`, () => {
      expect(
        Signing.signedQuery(
          tofu,
          crypto,
          "GET",
          "/event",
          [["foo", "bar"], ["baz", "123454321"]],
          undefined,
          1234567890
        )
      ).toBe(
        "auth_key=f00d&auth_timestamp=1234567890&auth_version=1.0&baz=123454321&foo=bar" +
          "&auth_signature=d8bdbd31911fb7400a14fbd36fd7de053494725b64400ae5856deafe304b34a9"
      )
    })

    it(`the reference example of app 3 (${name})`, () => {
      expect(Signing.signedQuery(reference, crypto, "POST", "/apps/3/events", [], referenceBody, 1353088179)).toBe(
        "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0" +
          "&body_md5=ec365a775a4cd0599faeb73354201b6f" +
          "&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
      )
    })
  }

  it("an empty body has no body_md5", () => {
    expect(Signing.signedQuery(tofu, PusherCrypto.portable, "POST", "/x", [], "", 1)).toBe(
      Signing.signedQuery(tofu, PusherCrypto.portable, "POST", "/x", [], undefined, 1)
    )
    expect(Signing.signedQuery(tofu, PusherCrypto.portable, "POST", "/x", [], "", 1)).not.toContain("body_md5")
  })

  it("the method, path, timestamp and secret are all signed", () => {
    const base = Signing.signedQuery(tofu, PusherCrypto.portable, "GET", "/x", [], undefined, 1)
    const other = configOf({ appId: 1234, key: "f00d", secret: "tofu2" })
    const variants = [
      Signing.signedQuery(tofu, PusherCrypto.portable, "POST", "/x", [], undefined, 1),
      Signing.signedQuery(tofu, PusherCrypto.portable, "GET", "/y", [], undefined, 1),
      Signing.signedQuery(tofu, PusherCrypto.portable, "GET", "/x", [], undefined, 2),
      Signing.signedQuery(other, PusherCrypto.portable, "GET", "/x", [], undefined, 1),
      // The same config object with other crypto must not reuse the cached key of the first.
      Signing.signedQuery(tofu, { ...nodeCrypto, hmacSha256Hex: () => () => "fake" }, "GET", "/x", [], undefined, 1)
    ]
    const signatures = new Set([base, ...variants].map((q) => q.slice(q.indexOf("auth_signature="))))
    expect(signatures.size).toBe(6)
    expect(variants[4]).toMatch(/&auth_signature=fake$/)
  })

  it("sorts any parameter names in JavaScript string order, like the independent signer", () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/).filter((k) =>
      !["auth_key", "auth_timestamp", "auth_version", "auth_signature", "body_md5"].includes(k)
    )
    const extra = fc.constantFrom("auth_", "auth_a", "auth_z", "body", "body_md4", "body_md6", "AUTH", "_", "0", "~")
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.oneof(name, extra), fc.stringMatching(/^[A-Za-z0-9_=@,.;:-]{0,10}$/)), {
          selector: ([k]) => k,
          maxLength: 8
        }),
        fc.option(
          fc.oneof(fc.string({ unit: "grapheme", maxLength: 40 }), fc.string({ unit: "binary", maxLength: 40 })),
          {
            nil: undefined
          }
        ),
        fc.constantFrom("GET" as const, "POST" as const),
        fc.integer({ min: 0, max: 4_000_000_000 }),
        (params, body, method, timestamp) => {
          const query = Signing.signedQuery(
            tofu,
            PusherCrypto.portable,
            method,
            "/apps/1234/x",
            params,
            body,
            timestamp
          )
          const expected = signedUrl({
            baseUrl: "",
            appId: "1234",
            key: "f00d",
            secret: "tofu",
            method,
            path: "/x",
            params,
            ...(body === undefined ? {} : { body }),
            timestamp
          })
          expect(`/apps/1234/x?${query}`).toBe(expected)
        }
      ),
      { numRuns: 300, seed: 42 }
    )
  })
})

describe("signed requests end to end (SPEC §7)", () => {
  const layer = (recorder: ReturnType<typeof makeRecorder>) =>
    Layer.merge(
      recorder.layer,
      PusherConfig.layer({ appId: 3, key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" })
    )

  it.effect("posts the reference example to its exact URL", () => {
    const recorder = makeRecorder()
    return Effect.gen(function*() {
      yield* TestClock.setTime(1353088179 * 1000)
      yield* Pusher.post("/events", { name: "foo", channels: ["project-3"], data: `{"some":"data"}` })
      expect(recorder.requests).toHaveLength(1)
      expect(recorder.requests[0]!.body).toBe(referenceBody)
      expect(recorder.requests[0]!.url).toBe(
        "https://api-mt1.pusher.com/apps/3/events?auth_key=278d425bdf160c739803&auth_timestamp=1353088179" +
          "&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f" +
          "&auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
      )
    }).pipe(Effect.provide(layer(recorder)))
  })

  it.effect("a trigger of the reference event has the body key order name, data, channels", () => {
    const recorder = makeRecorder()
    return Effect.gen(function*() {
      yield* TestClock.setTime(1353088179 * 1000 + 500)
      yield* Pusher.trigger("project-3", "foo", { some: "data" })
      const body = `{"name":"foo","data":"{\\"some\\":\\"data\\"}","channels":["project-3"]}`
      expect(recorder.requests[0]!.body).toBe(body)
      expect(recorder.requests[0]!.url).toBe(signedUrl({
        baseUrl: "https://api-mt1.pusher.com",
        appId: "3",
        key: "278d425bdf160c739803",
        secret: "7ad3773142a6692b25b8",
        method: "POST",
        path: "/events",
        body,
        timestamp: 1353088179
      }))
    }).pipe(Effect.provide(layer(recorder)))
  })

  it.effect("signs with the PusherCrypto in the context", () => {
    const recorder = makeRecorder()
    return Effect.gen(function*() {
      yield* TestClock.setTime(1353088179 * 1000)
      yield* Pusher.post("/events", { name: "foo", channels: ["project-3"], data: `{"some":"data"}` })
      expect(recorder.requests[0]!.url).toMatch(/&body_md5=ec365a775a4cd0599faeb73354201b6f&auth_signature=fake$/)
    }).pipe(
      Effect.provide(layer(recorder)),
      Effect.provide(PusherCrypto.layer({ ...nodeCrypto, hmacSha256Hex: () => () => "fake" }))
    )
  })
})
