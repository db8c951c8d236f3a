import { describe, expect, it } from "@effect/vitest"
import * as Headers from "../src/Headers.js"
import * as Webhook from "../src/Webhook.js"

describe("Webhook.httpStatus", () => {
  it("answers 401 unless proven from Pusher, 415 for another type, 400 for what cannot be used", () => {
    expect(Webhook.reasons.map((reason) => [reason, Webhook.httpStatus(reason)])).toEqual([
      ["MissingHeader", 401],
      ["UnsupportedContentType", 415],
      ["UnknownKey", 401],
      ["SignatureMismatch", 401],
      ["InvalidBody", 400],
      ["Expired", 400]
    ])
    expect(Webhook.httpStatus("InvalidEventData")).toBe(400)
  })
})

describe("Headers.refusedAuthType", () => {
  it("accepts a form, JSON (with parameters, in any case) or no type, and refuses any other", () => {
    expect(Headers.refusedAuthType({ "content-type": "application/x-www-form-urlencoded" })).toBe(false)
    expect(Headers.refusedAuthType({ "Content-Type": "Application/JSON; charset=utf-8" })).toBe(false)
    expect(Headers.refusedAuthType(new globalThis.Headers())).toBe(false)
    expect(Headers.refusedAuthType({ "content-type": "" })).toBe(false)
    expect(Headers.refusedAuthType({ "content-type": "text/plain" })).toBe(true)
    expect(Headers.refusedAuthType({ "content-type": "multipart/form-data; boundary=x" })).toBe(true)
  })
})
