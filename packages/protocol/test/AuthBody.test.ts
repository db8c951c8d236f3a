import { describe, expect, it } from "@effect/vitest"
import * as AuthBody from "../src/AuthBody.js"

const fieldsOf = (request: AuthBody.Request) => AuthBody.fields(AuthBody.read(request))
const form = { "content-type": "application/x-www-form-urlencoded" }
const expected = { ok: true, value: { socket_id: "1.2", channel_name: "private-a" } }

describe("AuthBody", () => {
  it("reads the same fields from a form, JSON, bytes, URLSearchParams and a parsed object", () => {
    const posted = "socket_id=1.2&channel_name=private-a"
    const json = JSON.stringify({ socket_id: "1.2", channel_name: "private-a" })
    const requests: ReadonlyArray<AuthBody.Request> = [
      { headers: form, body: posted },
      { headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" }, body: posted },
      { headers: new Headers({ "content-type": "application/json" }), body: json },
      { body: posted },
      { body: ` ${json}` },
      { headers: form, body: new TextEncoder().encode(posted) },
      { body: new URLSearchParams(posted) },
      { body: { socket_id: "1.2", channel_name: "private-a" } }
    ]
    for (const request of requests) expect(fieldsOf(request)).toEqual(expected)
  })

  it.each([
    ["not a request", null, "request"],
    ["a repeated field", { headers: form, body: "socket_id=1&socket_id=2" }, "socket_id"],
    ["bytes that are not UTF-8", { headers: form, body: new Uint8Array([0xff]) }, "body"],
    ["another media type", { headers: { "content-type": "text/plain" }, body: "x" }, "Content-Type"],
    ["JSON that does not parse", { headers: { "content-type": "application/json" }, body: "{" }, "body"],
    ["a JSON array", { headers: { "content-type": "application/json" }, body: "[]" }, "body"],
    ["a parsed array", { body: ["socket_id"] }, "body"]
  ])("names what is wrong with %s", (_, request, field) => {
    const result = fieldsOf(request as unknown as AuthBody.Request)
    expect(result.ok === false && result.error.field).toBe(field)
  })

  it("keeps a long repeated name out of the failure, as an excerpt", () => {
    const name = "n".repeat(100_000)
    const result = fieldsOf({ headers: form, body: `${name}=1&${name}=2` })
    expect(result.ok === false && result.error.field.length).toBeLessThan(1_000)
  })

  it("copies a parsed body's own fields once: what is checked is what was read", () => {
    const body: Record<string, unknown> = { socket_id: "1.2" }
    const snapshot = AuthBody.read({ body })
    body.socket_id = "changed"
    expect(AuthBody.fields(snapshot)).toEqual({ ok: true, value: { socket_id: "1.2" } })
  })
})
