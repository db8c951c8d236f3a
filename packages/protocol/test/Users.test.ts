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

describe("readData", () => {
  it("copies a plain object's own fields and its watchlist once, and leaves anything else as is", () => {
    const watchlist = ["a"]
    const user = { id: "u", watchlist }
    const read = Users.readData(user) as typeof user
    watchlist.push("b")
    user.id = "changed"
    expect(read).toEqual({ id: "u", watchlist: ["a"] })
    const instance = new Date(0)
    expect(Users.readData(instance)).toBe(instance)
    expect(Users.readData("ada")).toBe("ada")
  })
})

describe("isSimplePresenceData and isSimpleUserData", () => {
  it.each([
    [{ user_id: "ada" }, true],
    [{ user_id: 42, user_info: { name: "Ada" }, extra: 1 }, true],
    [Object.assign(Object.create(null), { user_id: "ada" }), true],
    [{ user_id: "" }, false],
    [{ user_id: 1.5 }, false],
    [{ user_id: "ada", [Symbol("s")]: 1 }, false],
    [
      new (class {
        user_id = "ada"
      })(),
      false
    ],
    ["ada", false]
  ])("presence data %o: %s", (data, simple) => expect(Users.isSimplePresenceData(data)).toBe(simple))

  it.each([
    [{ id: "u" }, true],
    [{ id: "u", watchlist: ["a", "b"], user_info: {} }, true],
    [{ id: "" }, false],
    [{ id: 1 }, false],
    [{ id: "u", watchlist: ["a", ""] }, false],
    [{ id: "u", watchlist: "a" }, false],
    [null, false]
  ])("user data %o: %s", (data, simple) => expect(Users.isSimpleUserData(data)).toBe(simple))
})

describe("checkUserIds", () => {
  it("names the id, the watchlist's length, or the watchlist entry that is not a user id", () => {
    expect(Users.checkUserIds({ id: "u", watchlist: ["a", "b"] }, 100)).toBeUndefined()
    expect(Users.checkUserIds({ id: "u v" }, 100)?.field).toBe("user.id")
    expect(Users.checkUserIds({ id: "u", watchlist: ["a", "b"] }, 1)).toEqual({
      field: "user.watchlist",
      rule: "must hold at most 1 user ids, got 2"
    })
    expect(Users.checkUserIds({ id: "u", watchlist: ["a", "b c"] }, 100)?.field).toBe("user.watchlist[1]")
    expect(Users.checkUserIds("not an object", 100)).toBeUndefined()
  })
})
