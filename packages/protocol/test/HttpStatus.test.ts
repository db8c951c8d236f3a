import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as HttpStatus from "../src/HttpStatus.js"

const now = Date.UTC(2026, 11, 2, 10, 0, 0)

describe("retryAfterMillis", () => {
  it.each([
    ["0", 0],
    ["120", 120_000],
    [" 7 ", 7_000],
    ["300", 300_000],
    // Longer waits are cut to the maximum, not ignored.
    ["301", HttpStatus.maxRetryAfterMillis],
    ["99999999999999999999999", HttpStatus.maxRetryAfterMillis],
    ["9".repeat(400), HttpStatus.maxRetryAfterMillis],
    // Leading zeros are still delta-seconds (RFC 9110: 1*DIGIT).
    ["0000000000005", 5_000],
    // The three HTTP-date forms of RFC 9110 §5.6.7.
    ["Wed, 02 Dec 2026 10:00:30 GMT", 30_000],
    ["Wednesday, 02-Dec-26 10:01:00 GMT", 60_000],
    ["Wed Dec  2 10:00:05 2026", 5_000],
    // A date in the past means now.
    ["Sun, 06 Nov 1994 08:49:37 GMT", 0],
    ["Thu, 02 Dec 2027 10:00:00 GMT", HttpStatus.maxRetryAfterMillis]
  ])("reads %j", (value, millis) => {
    expect(HttpStatus.retryAfterMillis(429, value, now)).toBe(millis)
    expect(HttpStatus.retryAfterMillis(503, value, now)).toBe(millis)
  })

  it.each([
    [""],
    ["-1"],
    ["1.5"],
    ["1e3"],
    ["soon"],
    ["0x10"],
    ["Wed, 31 Feb 2026 10:00:00 GMT"],
    ["Wed, 02 Dec 2026 24:00:00 GMT"],
    ["Wed, 02 Foo 2026 10:00:00 GMT"],
    ["Wed, 02 Dec 2026 10:00:00 UTC"],
    ["2026-12-02T10:00:30Z"]
  ])("ignores %j", (value) => expect(HttpStatus.retryAfterMillis(429, value, now)).toBeUndefined())

  it("only for 429 and 503, and only with a value", () => {
    for (const status of [200, 400, 500, 502, 504]) {
      expect(HttpStatus.retryAfterMillis(status, "5", now)).toBeUndefined()
    }
    expect(HttpStatus.retryAfterMillis(429, undefined, now)).toBeUndefined()
  })

  it("RFC 850's two-digit year is at most 50 years ahead", () => {
    expect(HttpStatus.retryAfterMillis(503, "Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(0)
    expect(HttpStatus.retryAfterMillis(503, "Friday, 06-Nov-76 08:49:37 GMT", now)).toBe(HttpStatus.maxRetryAfterMillis)
  })

  it("agrees with Date.parse on every IMF-fixdate, and always answers a wait from 0 to the maximum", () =>
    fc.assert(
      fc.property(fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 0)), noInvalidDate: true }), (date) => {
        const value = date.toUTCString()
        const expected = Math.min(
          Math.max(Math.floor(date.getTime() / 1000) * 1000 - now, 0),
          HttpStatus.maxRetryAfterMillis
        )
        expect(HttpStatus.retryAfterMillis(429, value, now)).toBe(expected)
      })
    ))

  it("never throws, and answers undefined or a wait within bounds", () =>
    fc.assert(fc.property(fc.string(), (value) => {
      const millis = HttpStatus.retryAfterMillis(429, value, now)
      expect(millis === undefined || (millis >= 0 && millis <= HttpStatus.maxRetryAfterMillis)).toBe(true)
    })))
})
