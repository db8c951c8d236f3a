import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as Users from "../src/Users.js"

describe("checkPresenceUserId", () => {
  it.each([["ada"], ["u".repeat(128)], [42], [0], [-7], [Number.MAX_SAFE_INTEGER], ["😀"], ["a b/..%"]])(
    "accepts %j",
    (userId) => expect(Users.checkPresenceUserId("user_id", userId)).toBeUndefined()
  )

  it.each([
    ["", "must not be empty"],
    ["u".repeat(129), "must be at most 128 characters, got 129"],
    [4.2, "must be a safe integer (below 2^53 in size) when a number, got 4.2"],
    [2 ** 53, "must be a safe integer (below 2^53 in size) when a number, got 9007199254740992"],
    [Number.NaN, "must be a safe integer (below 2^53 in size) when a number, got NaN"],
    [true, "must be a string or a safe integer, got boolean"],
    [null, "must be a string or a safe integer, got null"]
  ])("refuses %j: %s", (userId, rule) => {
    expect(Users.checkPresenceUserId("user_id", userId)).toEqual({ field: "user_id", rule })
  })
})

describe("checkPresenceDataSize", () => {
  it("counts UTF-8 bytes of the JSON, up to 1024", () => {
    expect(Users.checkPresenceDataSize("presenceData", "a".repeat(1024))).toBeUndefined()
    expect(Users.checkPresenceDataSize("presenceData", "é".repeat(512))).toBeUndefined()
    expect(Users.checkPresenceDataSize("presenceData", "é".repeat(513))).toEqual({
      field: "presenceData",
      rule: "must be at most 1024 bytes as JSON (UTF-8), got 1026"
    })
  })

  it("agrees with TextEncoder on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 1100 }), (json) => {
        const fits = new TextEncoder().encode(json).length <= 1024
        expect(Users.checkPresenceDataSize("d", json) === undefined).toBe(fits)
      }),
      { numRuns: 500 }
    )
  })
})
