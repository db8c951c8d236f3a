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
})
