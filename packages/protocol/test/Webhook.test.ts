import { describe, expect, it } from "@effect/vitest"
import * as NodeCrypto from "node:crypto"
import type { Sign } from "../src/Signing.js"
import * as Webhook from "../src/Webhook.js"

const signer = (secret: string): Sign => (message) =>
  NodeCrypto.createHmac("sha256", secret).update(message).digest("hex")
const equal = (a: string, b: string) => a === b

const verifier: Webhook.Verifier = {
  signers: new Map([["123456789", [signer("tofu")]], ["two", [signer("first"), signer("second")]]]),
  timingSafeEqual: equal
}

// SPEC §7
const known = `{"time_ms":1403175510755,"events":[{"channel":"test_channel","name":"channel_vacated"}]}`
const knownSignature = "c17257e92037cd7de407ebc1ed174ceb7b2e518db127f44411b9ffc4f5b28cc5"

const snapshot = (headers: Record<string, string | ReadonlyArray<string>>, body: unknown = known) =>
  Webhook.readRequest({ headers, body })

const headers = {
  "Content-Type": "application/json",
  "X-Pusher-Key": "123456789",
  "X-Pusher-Signature": knownSignature
}

const reasonOf = (request: Webhook.RequestSnapshot) => {
  const result = Webhook.authenticate(verifier, request)
  return result.ok ? "accepted" : result.error.reason
}

describe("authenticate", () => {
  it("accepts the SPEC §7 known answer, as a string or as bytes, and answers the body", () => {
    expect(Webhook.authenticate(verifier, snapshot(headers))).toEqual({ ok: true, value: known })
    expect(reasonOf(snapshot(headers, new TextEncoder().encode(known)))).toBe("accepted")
    expect(reasonOf(snapshot({ ...headers, "content-type": "application/json; charset=utf-8" }))).toBe("accepted")
  })

  it("accepts any of a key's secrets", () => {
    const body = "{}"
    for (const secret of ["first", "second"]) {
      const request = snapshot({ ...headers, "X-Pusher-Key": "two", "X-Pusher-Signature": signer(secret)(body) }, body)
      expect(reasonOf(request)).toBe("accepted")
    }
  })

  it.each([
    ["no headers", { headers: undefined, body: known }, "MissingHeader"],
    [
      "no Content-Type",
      snapshot({ "x-pusher-key": "123456789", "x-pusher-signature": knownSignature }),
      "MissingHeader"
    ],
    ["a text Content-Type", snapshot({ ...headers, "Content-Type": "text/plain" }), "UnsupportedContentType"],
    [
      "two Content-Types",
      snapshot({ ...headers, "Content-Type": ["application/json", "a/b"] }),
      "UnsupportedContentType"
    ],
    ["no key", snapshot({ "content-type": "application/json", "x-pusher-signature": knownSignature }), "MissingHeader"],
    ["two keys", snapshot({ ...headers, "X-Pusher-Key": ["123456789", "two"] }), "UnknownKey"],
    ["an unknown key", snapshot({ ...headers, "X-Pusher-Key": "nobody" }), "UnknownKey"],
    ["no signature", snapshot({ "content-type": "application/json", "x-pusher-key": "123456789" }), "MissingHeader"],
    [
      "two signatures",
      snapshot({ ...headers, "X-Pusher-Signature": [knownSignature, knownSignature] }),
      "SignatureMismatch"
    ],
    ["a wrong signature", snapshot({ ...headers, "X-Pusher-Signature": "0".repeat(64) }), "SignatureMismatch"],
    ["a body that is neither string nor bytes", snapshot(headers, 42), "InvalidBody"],
    ["bytes that are not UTF-8", snapshot(headers, new Uint8Array([0xff])), "InvalidBody"]
  ])("rejects %s", (_, request, reason) => {
    expect(reasonOf(request)).toBe(reason)
  })

  it("never shows the signature in a failure", () => {
    const result = Webhook.authenticate(verifier, snapshot({ ...headers, "X-Pusher-Signature": "f".repeat(64) }))
    expect(JSON.stringify(result)).not.toContain("f".repeat(64))
    expect(JSON.stringify(result)).not.toContain(knownSignature)
  })
})

describe("parseBody", () => {
  it("parses JSON and refuses the rest", () => {
    expect(Webhook.parseBody("{\"a\":1}")).toEqual({ ok: true, value: { a: 1 } })
    expect(Webhook.parseBody("not json")).toEqual({
      ok: false,
      error: { reason: "InvalidBody", description: "the body is not JSON" }
    })
  })
})

describe("checkFresh", () => {
  it("accepts up to maxAge old and up to 60 s ahead; needs time_ms", () => {
    expect(Webhook.checkFresh(1_000, 61_000, 60_000)).toBeUndefined()
    expect(Webhook.checkFresh(1_000, 61_001, 60_000)?.reason).toBe("Expired")
    expect(Webhook.checkFresh(61_000, 1_000, 5_000)).toBeUndefined()
    expect(Webhook.checkFresh(61_001, 1_000, 5_000)?.reason).toBe("Expired")
    expect(Webhook.checkFresh(undefined, 1_000, 5_000)?.reason).toBe("InvalidBody")
  })
})
