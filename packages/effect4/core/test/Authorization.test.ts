import { Pusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { NodePusherCrypto } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as SchemaAST from "effect/SchemaAST"
import * as fc from "fast-check"
import PusherNode from "pusher"
import { channelSignature } from "./utils/channelSignature.js"

const aaaa = PusherConfig.layer({ appId: 1, key: "aaaa", secret: "tofu" })
const masterKey = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
const f00d = PusherConfig.layer({ appId: 1234, key: "f00d", secret: "tofu", encryptionMasterKeyBase64: masterKey })

const run = <A, E>(
  effect: Effect.Effect<A, E, PusherConfig.PusherConfig>,
  layer: Layer.Layer<PusherConfig.PusherConfig, unknown> = aaaa,
  crypto: PusherCrypto.Service = PusherCrypto.portable
): Result.Result<A, E> =>
  Effect.runSync(
    Effect.result(effect).pipe(Effect.provide(layer), Effect.provide(PusherCrypto.layer(crypto)), Effect.orDie)
  )

describe("known answers (SPEC §7)", () => {
  const config = Effect.runSync(PusherConfig.make({ appId: 1, key: "aaaa", secret: "tofu" }))

  it("signs a channel without data", () => {
    expect(channelSignature(config, PusherCrypto.portable, "123.456", "test", undefined)).toBe(
      "aaaa:efa6cf7644a0b35cba36aa0f776f3cbf7bb60e95ea2696bde1dbe8403b61bd7c"
    )
  })

  it("signs a channel with channel data", () => {
    expect(channelSignature(config, PusherCrypto.portable, "123.456", "test", `{"foo":"bar"}`)).toBe(
      "aaaa:f41faf9ead2ea76772cc6b1168363057459f02499ae4d92e88229dc7f4efa2d4"
    )
  })

  it("authenticates a user", () => {
    expect(run(Pusher.authenticateUser("123.456", { id: "45678" }))).toEqual(Result.succeed({
      auth: "aaaa:f4b1fdeea7c93e32648c7230e32b172057c5623cace6cfce791c6e7035e0babd",
      user_data: `{"id":"45678"}`
    }))
  })

  it("gives an encrypted channel its shared secret", () => {
    const result = run(Pusher.authorizeChannel("123.456", "private-encrypted-bla"), f00d)
    expect(Result.getOrThrow(result).shared_secret).toBe("nlr49ISQHz91yS3cy/yWmW8wFMNeTnNL5tNHnbPJcLQ=")
    const f00dConfig = Effect.runSync(PusherConfig.make({ appId: 1234, key: "f00d", secret: "tofu" }))
    expect(channelSignature(f00dConfig, PusherCrypto.portable, "123.456", "private-encrypted-bla", `"foo"`)).toBe(
      "f00d:962c48b78bf93d98ff4c92ee7dff04865821455b7b401e9d60a9e0a90af2c105"
    )
  })
})

describe("authorizeChannel", () => {
  it("signs a presence channel's data and returns it exactly as signed", () => {
    const data = { user_id: "ada", user_info: { name: "Ada ✓ 😀" } }
    const result = Result.getOrThrow(run(Pusher.authorizeChannel("1.2", "presence-room", data)))
    expect(result.channel_data).toBe(JSON.stringify(data))
    const config = Effect.runSync(PusherConfig.make({ appId: 1, key: "aaaa", secret: "tofu" }))
    expect(result.auth).toBe(
      channelSignature(config, PusherCrypto.portable, "1.2", "presence-room", result.channel_data)
    )
  })

  it.each([
    ["public channel", "1.2", "news", undefined, "channel"],
    ["private channel with presence data", "1.2", "private-a", { user_id: "u" }, "presenceData"],
    ["empty user id", "1.2", "presence-a", { user_id: "" }, "presenceData.user_id"],
    ["user id over 128 characters", "1.2", "presence-a", { user_id: "u".repeat(129) }, "presenceData.user_id"],
    ["fractional user id", "1.2", "presence-a", { user_id: 4.2 }, "presenceData.user_id"],
    ["user id beyond 2^53", "1.2", "presence-a", { user_id: 2 ** 53 }, "presenceData.user_id"],
    ["boolean user id", "1.2", "presence-a", { user_id: true }, "presenceData.user_id"],
    ["user object over 1 KB", "1.2", "presence-a", { user_id: "u", user_info: "é".repeat(500) }, "presenceData"],
    ["bad socket id", "1.2\n", "private-a", undefined, "socketId"],
    ["bad channel", "1.2", "private-a b", undefined, "channel"]
  ])("rejects a %s with a ValidationError", (_, socketId, channel, data, field) => {
    const result = run(Pusher.authorizeChannel(socketId, channel, data as Pusher.PresenceData | undefined))
    expect(Result.isFailure(result) && result.failure._tag === "ValidationError" && result.failure.field).toBe(field)
  })

  it("needs a master key for an encrypted channel", () => {
    const result = run(Pusher.authorizeChannel("1.2", "private-encrypted-a"))
    expect(Result.isFailure(result) && result.failure._tag).toBe("EncryptionError")
  })

  it("checks presence and user data by decoding, which validates: both schemas are their own type side", () => {
    expect(SchemaAST.toType(Pusher.PresenceData.ast)).toBe(Pusher.PresenceData.ast)
    expect(SchemaAST.toType(Pusher.UserData.ast)).toBe(Pusher.UserData.ast)
  })

  it("accepts exactly the presence data that the PresenceData schema accepts, within 1 KB of JSON", () => {
    const validate = Schema.decodeUnknownResult(Schema.toType(Pusher.PresenceData), { onExcessProperty: "error" })
    const fitsOneKilobyte = (data: unknown) => new TextEncoder().encode(JSON.stringify(data)).length <= 1024
    const candidate = fc.oneof(
      fc.record({
        user_id: fc.oneof(
          fc.string({ maxLength: 140 }),
          fc.integer(),
          fc.double(),
          fc.constantFrom(2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, "u".repeat(128), "u".repeat(129))
        ),
        user_info: fc.jsonValue()
      }, { requiredKeys: [] }),
      fc.dictionary(fc.constantFrom("user_id", "user_info", "id", "x"), fc.oneof(fc.string(), fc.jsonValue())),
      fc.anything().filter((u) => u !== undefined)
    )
    fc.assert(
      fc.property(candidate, (data) => {
        const result = run(Pusher.authorizeChannel("1.2", "presence-a", data as Pusher.PresenceData))
        expect(Result.isSuccess(result)).toBe(Result.isSuccess(validate(data)) && fitsOneKilobyte(data))
      }),
      { numRuns: 500 }
    )
  })

  it("signs a presence channel without presence data as the channel alone", () => {
    const result = Result.getOrThrow(run(Pusher.authorizeChannel("1.2", "presence-a")))
    const config = Effect.runSync(PusherConfig.make({ appId: 1, key: "aaaa", secret: "tofu" }))
    expect(result).toStrictEqual({
      auth: channelSignature(config, PusherCrypto.portable, "1.2", "presence-a", undefined)
    })
  })

  it("accepts exactly the users that the UserData schema accepts and whose ids are user ids", () => {
    const validate = Schema.decodeUnknownResult(Schema.toType(Pusher.UserData), { onExcessProperty: "error" })
    const userIdPattern = /^[A-Za-z0-9_\-=@,.;]{1,200}$/
    const isUserId = (id: unknown) => typeof id === "string" && userIdPattern.test(id) && id !== "." && id !== ".."
    const candidate = fc.oneof(
      fc.record({
        id: fc.oneof(fc.string({ maxLength: 5 }), fc.integer()),
        user_info: fc.jsonValue(),
        watchlist: fc.oneof(fc.array(fc.string({ maxLength: 3 }), { maxLength: 102 }), fc.jsonValue()),
        name: fc.jsonValue()
      }, { requiredKeys: [] }),
      fc.anything()
    )
    fc.assert(
      fc.property(candidate, (user) => {
        const result = run(Pusher.authenticateUser("1.2", user as Pusher.UserData))
        const valid = validate(user)
        const expected = Result.isSuccess(valid) && isUserId(valid.success.id) &&
          (valid.success.watchlist ?? []).every(isUserId)
        expect(Result.isSuccess(result)).toBe(expected)
      }),
      { numRuns: 500 }
    )
  })
})

describe("differential against pusher@5.3.4", () => {
  const reference = new PusherNode({
    appId: "1",
    key: "aaaa",
    secret: "s3cr€t",
    cluster: "mt1",
    encryptionMasterKeyBase64: masterKey
  })
  const layer = PusherConfig.layer({ appId: 1, key: "aaaa", secret: "s3cr€t", encryptionMasterKeyBase64: masterKey })
  const socketId = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`)
  const nameChar = fc.constantFrom(..."ABCXYZabcxyz0189_-=@,.;".split(""))
  const name = fc.string({ unit: nameChar, minLength: 1, maxLength: 60 })
  // User ids also name URL path segments, so "." and ".." are refused here.
  const userId = name.filter((id) => id !== "." && id !== "..")
  const unicode = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 })
  const userInfo = fc.option(fc.dictionary(unicode, fc.oneof(unicode, fc.integer(), fc.boolean())), { nil: undefined })

  for (const [label, crypto] of [["portable", PusherCrypto.portable], ["node", NodePusherCrypto.service]] as const) {
    it(`authorizeChannel equals the official output (${label} crypto)`, () => {
      fc.assert(
        fc.property(
          socketId,
          fc.constantFrom("private-", "private-encrypted-", "presence-"),
          name,
          unicode,
          userInfo,
          (socket, prefix, rest, userId, info) => {
            const channel = `${prefix}${rest}`.slice(0, 200)
            const data = prefix === "presence-"
              ? (info === undefined ? { user_id: userId } : { user_id: userId, user_info: info })
              : undefined
            const ours = Result.getOrThrow(run(Pusher.authorizeChannel(socket, channel, data), layer, crypto))
            expect(ours).toEqual(reference.authorizeChannel(socket, channel, data))
          }
        ),
        { numRuns: 200 }
      )
    })

    it(`authenticateUser equals the official output (${label} crypto)`, () => {
      fc.assert(
        fc.property(
          socketId,
          userId,
          userInfo,
          fc.option(fc.array(userId, { maxLength: 100 }), { nil: undefined }),
          (socket, id, info, watchlist) => {
            const user = {
              id,
              ...(info !== undefined ? { user_info: info } : {}),
              ...(watchlist !== undefined ? { watchlist } : {})
            }
            const ours = Result.getOrThrow(run(Pusher.authenticateUser(socket, user), layer, crypto))
            expect(ours).toEqual(reference.authenticateUser(socket, user))
          }
        ),
        { numRuns: 200 }
      )
    })
  }

  it("rejects a watchlist of more than 100 user ids, which pusher signs", () => {
    const user = { id: "u", watchlist: Array.from({ length: 101 }, (_, i) => `w${i}`) }
    const result = run(Pusher.authenticateUser("1.2", user), layer)
    expect(Result.isFailure(result) && result.failure._tag === "ValidationError" && result.failure.field).toBe(
      "user.watchlist"
    )
  })
})
