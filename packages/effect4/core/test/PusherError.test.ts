import { PusherError } from "@effect-pusher/core"
import * as HttpStatus from "@effect-pusher/protocol/HttpStatus"
import { describe, expect, it } from "@effect/vitest"
import * as Data from "effect/Data"
import * as Schema from "effect/Schema"

describe("PusherError", () => {
  it("HttpErrorReason is the protocol's list of reasons, as a schema", () => {
    expect(PusherError.HttpErrorReason.literals).toStrictEqual(HttpStatus.reasons)
    expect(Schema.is(PusherError.HttpErrorReason)("ServerError")).toBe(true)
    expect(Schema.is(PusherError.HttpErrorReason)("Teapot")).toBe(false)
    const reason: PusherError.HttpErrorReason = HttpStatus.reasonOf(418)
    expect(new PusherError.HttpError({ reason, method: "GET", path: "/", status: 418, body: "" }).reason)
      .toBe("UnexpectedStatus")
  })

  it("isPusherError recognizes every error of the family, webhook errors included, and nothing else", () => {
    const family: ReadonlyArray<unknown> = [
      new PusherError.ValidationError({ field: "f", rule: "r" }),
      new PusherError.HttpError({ reason: "BadRequest", method: "POST", path: "/events", status: 400, body: "" }),
      new PusherError.TransportError({ reason: "Timeout", method: "GET", path: "/channels", description: "d" }),
      new PusherError.DecodeError({ method: "GET", path: "/channels", status: 200, body: "", issue: "i" }),
      new PusherError.EncryptionError({ reason: "MissingMasterKey", channel: "c", description: "d" }),
      new PusherError.WebhookError({ reason: "Expired", description: "d" })
    ]
    const tags: Array<PusherError.AnyPusherError["_tag"]> = []
    for (const error of family) {
      if (PusherError.isPusherError(error)) tags.push(error._tag)
    }
    expect(tags).toStrictEqual([
      "ValidationError",
      "HttpError",
      "TransportError",
      "DecodeError",
      "EncryptionError",
      "WebhookError"
    ])
    class Other extends Data.TaggedError("ValidationError")<{ readonly field: string }> {}
    for (const u of [new Other({ field: "f" }), new Error("x"), null, "HttpError", { _tag: "HttpError" }]) {
      expect(PusherError.isPusherError(u)).toBe(false)
    }
  })

  it("a 401's message says what to check and keeps the server's headline, never the signature it echoes", () => {
    const unauthorized = (body: string) =>
      new PusherError.HttpError({ reason: "Unauthorized", method: "POST", path: "/events", status: 401, body })
    const hint = "check the secret (PUSHER_SECRET), the key (PUSHER_KEY) and the app id (PUSHER_APP_ID)"
    const signature = "5d2b726f3f72f3c364c3ff2bd736f279f1cceafb3cd9864125262249cce9becd"
    // hosted Channels (and the emulator) echo the string to sign and the signature received
    const hosted = unauthorized(
      `Invalid signature: Expected HMAC SHA256 hex digest of "POST\n/apps/1/events", but got ${signature}`
    )
    expect(hosted.message).toBe(
      `POST /events failed with 401 (Unauthorized): Invalid signature. The server did not accept the request's signature: ${hint}, and this machine's clock`
    )
    expect(hosted.body).toContain(signature)
    // soketi answers 200 {"error", "code": 401}
    const soketi = unauthorized(`{"error":"The secret authentication failed","code":401}`)
    expect(soketi.message).toContain(": The secret authentication failed. The server did not accept")
    const late = unauthorized("Timestamp expired: Given timestamp (1) not within 600s of server time (2000)")
    expect(late.message).toContain("Timestamp expired: Given timestamp (1) not within 600s of server time (2000). ")
    const tooLarge = new PusherError.HttpError({
      reason: "PayloadTooLarge",
      method: "POST",
      path: "/events",
      status: 413,
      body: ""
    })
    expect(tooLarge.message).toContain("maxPayloadBytes (PUSHER_MAX_PAYLOAD_BYTES)")
  })

  it("an error's stack is its one line (no library frames to read), and JSON shows only its fields", () => {
    const error = new PusherError.ValidationError({ field: "channel", rule: "must not be empty" })
    expect(error.stack).toBe("ValidationError: Invalid channel: must not be empty")
    expect(JSON.parse(JSON.stringify(error))).toStrictEqual({
      _tag: "ValidationError",
      field: "channel",
      rule: "must not be empty"
    })
  })
})
