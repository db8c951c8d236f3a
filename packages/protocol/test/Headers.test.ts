import { describe, expect, it } from "@effect/vitest"
import * as Headers from "../src/Headers.js"

describe("contentLength", () => {
  it("reads a Content-Length of digits, in any case of the name, from a record or a web Headers", () => {
    expect(Headers.contentLength({ "content-length": "42" })).toBe(42)
    expect(Headers.contentLength({ "Content-Length": "0" })).toBe(0)
    expect(Headers.contentLength(new globalThis.Headers({ "content-length": "7" }))).toBe(7)
  })

  it("is no length for anything but 1 to 16 digits, or a repeated header", () => {
    for (const value of ["", "1e9", "-1", "0x10", " 5", "5 ", "1.5", "12345678901234567"]) {
      expect(Headers.contentLength({ "content-length": value })).toBeUndefined()
    }
    expect(Headers.contentLength({ "content-length": ["1", "1"] })).toBeUndefined()
    expect(Headers.contentLength({})).toBeUndefined()
  })
})
