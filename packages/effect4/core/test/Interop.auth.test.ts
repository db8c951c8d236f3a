// Issue 12, points 2 and 3: user authentication with extra fields and presence data as pusher@5.3.4 takes it
// (numeric ids, extra keys, no data), side by side with the official library; and the documented limits and
// user id rules where we deliberately refuse what it signs.
import { AuthRequest, Pusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { NodePusherCrypto } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as fc from "fast-check"
import PusherNode from "pusher"

const masterKey = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
const credentials = { appId: 1, key: "aaaa", secret: "s3cr€t", encryptionMasterKeyBase64: masterKey }
const layer = PusherConfig.layer(credentials)
const reference = new PusherNode({ ...credentials, appId: "1", cluster: "mt1" })
// pusher@5.3.4's typings say `user_id: string` and an object `user_info`; its code signs any JSON value as given.
const official = {
  authorizeChannel: (socket: string, channel: string, data?: unknown) =>
    reference.authorizeChannel(socket, channel, data as never),
  authenticateUser: (socket: string, user: unknown) => reference.authenticateUser(socket, user as never)
}

const run = <A, E>(
  effect: Effect.Effect<A, E, PusherConfig.PusherConfig>,
  crypto: PusherCrypto.Service = PusherCrypto.portable
): Result.Result<A, E> =>
  Effect.runSync(
    Effect.result(effect).pipe(Effect.provide(layer), Effect.provide(PusherCrypto.layer(crypto)), Effect.orDie)
  )

const fieldOf = (result: Result.Result<unknown, { readonly _tag: string; readonly field?: string }>) =>
  Result.isFailure(result) && result.failure._tag === "ValidationError" ? result.failure.field : undefined

const socketId = fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${b}`)
const nameChar = fc.constantFrom(..."ABCXYZabcxyz0189_-=@,.;".split(""))
const userId = fc.string({ unit: nameChar, minLength: 1, maxLength: 60 }).filter((id) => id !== "." && id !== "..")
const unicode = fc.string({ unit: "grapheme", maxLength: 20 })
const small = fc.jsonValue({ maxDepth: 2 })

/** Any other keys, the payload's own: unicode, numeric-looking ("0", "12"), anything but the documented ones. */
const extraKeys = (documented: ReadonlyArray<string>) =>
  fc.dictionary(
    fc.oneof(unicode, fc.nat({ max: 20 }).map(String), fc.constantFrom("name", "email", "admin", "")),
    small,
    { maxKeys: 5 }
  ).map((extra) => Object.entries(extra).filter(([key]) => !documented.includes(key)))

/** The entries in any order: the caller's key order is what is signed. */
const inAnyOrder = (entries: ReadonlyArray<readonly [string, unknown]>) =>
  fc.shuffledSubarray([...entries], { minLength: entries.length }).map((shuffled) => Object.fromEntries(shuffled))

const cryptos = [["portable", PusherCrypto.portable], ["node", NodePusherCrypto.service]] as const

describe("point 2: authenticateUser signs extra fields, like pusher@5.3.4", () => {
  it("signs { id, name } byte-identically", () => {
    const user = { id: "123", name: "John Smith" }
    const ours = Result.getOrThrow(run(Pusher.authenticateUser("123.456", user)))
    expect(ours).toStrictEqual(official.authenticateUser("123.456", user))
    expect(ours.user_data).toBe(`{"id":"123","name":"John Smith"}`)
  })

  for (const [label, crypto] of cryptos) {
    it(`equals the official output for any extra fields in any key order (${label} crypto)`, () => {
      const user = fc.tuple(
        userId,
        fc.option(small, { nil: undefined }),
        fc.option(fc.array(userId, { maxLength: 100 }), { nil: undefined }),
        extraKeys(["id", "user_info", "watchlist"])
      ).chain(([id, info, watchlist, extra]) =>
        inAnyOrder([
          ["id", id],
          ...(info === undefined ? [] : [["user_info", info] as const]),
          ...(watchlist === undefined ? [] : [["watchlist", watchlist] as const]),
          ...extra
        ])
      )
      fc.assert(
        fc.property(socketId, user, (socket, data) => {
          const ours = Result.getOrThrow(run(Pusher.authenticateUser(socket, data as Pusher.UserData), crypto))
          expect(ours).toStrictEqual(official.authenticateUser(socket, data))
          expect(Object.keys(JSON.parse(ours.user_data))).toStrictEqual(Object.keys(JSON.parse(JSON.stringify(data))))
        }),
        { numRuns: 200 }
      )
    })
  }

  it("refuses what pusher@5.3.4 refuses: a missing or non-string id", () => {
    for (const user of [{ name: "x" }, { id: 42 }, { id: "" }]) {
      expect(() => official.authenticateUser("1.2", user)).toThrow()
      expect(fieldOf(run(Pusher.authenticateUser("1.2", user as unknown as Pusher.UserData)))).toBe("user.id")
    }
  })

  // Deliberate: a user id also names `#server-to-user-{id}` and a URL path segment (terminate_connections),
  // so ids outside the channel alphabet, `/` and `..` are refused before signing (python refuses them too).
  it.each([
    [{ id: "a b" }, "user.id"],
    [{ id: ".." }, "user.id"],
    [{ id: "a/b" }, "user.id"],
    [{ id: "u", watchlist: ["ok", "not ok"] }, "user.watchlist[1]"]
  ])("deliberately refuses %j, which pusher@5.3.4 signs", (user, field) => {
    expect(official.authenticateUser("1.2", user).auth).toMatch(/^aaaa:[0-9a-f]{64}$/)
    expect(fieldOf(run(Pusher.authenticateUser("1.2", user)))).toBe(field)
  })
})

describe("point 3: presence data as pusher@5.3.4 takes it", () => {
  it("signs a numeric user_id as a JSON number", () => {
    const data = { user_id: 42 }
    const ours = Result.getOrThrow(run(Pusher.authorizeChannel("123.456", "presence-room", data)))
    expect(ours).toStrictEqual(official.authorizeChannel("123.456", "presence-room", data))
    expect(ours.channel_data).toBe(`{"user_id":42}`)
  })

  it("signs a presence channel without presence data as socket_id:channel", () => {
    const ours = Result.getOrThrow(run(Pusher.authorizeChannel("123.456", "presence-room")))
    expect(ours).toStrictEqual(official.authorizeChannel("123.456", "presence-room"))
    expect(ours.channel_data).toBeUndefined()
  })

  for (const [label, crypto] of cryptos) {
    it(`equals the official output for string or numeric ids, extra keys, any key order (${label} crypto)`, () => {
      const id = fc.oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((s) => s.length <= 128),
        fc.maxSafeInteger(),
        fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, "u".repeat(128))
      )
      const data = fc.tuple(id, fc.option(small, { nil: undefined }), extraKeys(["user_id", "user_info"]))
        .chain(([userId, info, extra]) =>
          inAnyOrder([["user_id", userId], ...(info === undefined ? [] : [["user_info", info] as const]), ...extra])
        )
        .filter((d) => new TextEncoder().encode(JSON.stringify(d)).length <= 1024)
      fc.assert(
        fc.property(socketId, userId, fc.option(data, { nil: undefined }), (socket, name, presence) => {
          const channel = `presence-${name}`
          const ours = Result.getOrThrow(
            run(Pusher.authorizeChannel(socket, channel, presence as Pusher.PresenceData | undefined), crypto)
          )
          expect(ours).toStrictEqual(official.authorizeChannel(socket, channel, presence))
        }),
        { numRuns: 200 }
      )
    })
  }

  it.effect("AuthRequest: a lookup that answers no presence data signs the channel alone", () =>
    Effect.gen(function*() {
      const request = { body: "socket_id=1.2&channel_name=presence-room" }
      const answer = yield* AuthRequest.authorizeChannel(request, () => Effect.succeed(undefined))
      expect(answer).toStrictEqual(official.authorizeChannel("1.2", "presence-room"))
      const numeric = yield* AuthRequest.authorizeChannel(request, { user_id: 7, user_info: { name: "Ada" } })
      expect(numeric).toStrictEqual(
        official.authorizeChannel("1.2", "presence-room", { user_id: 7, user_info: { name: "Ada" } })
      )
    }).pipe(Effect.provide(layer), Effect.provide(PusherCrypto.layer(PusherCrypto.portable))))

  // Pusher's presence docs: "1KB limit for user object, and maximum 128 characters for user id. If you use a
  // numeric user id, remember that the maximum size integer that is representable in JavaScript is 2^53."
  // pusher@5.3.4 signs all of these; Channels would refuse the subscription, so we refuse before signing.
  it.each([
    ["a user id over 128 characters", { user_id: "u".repeat(129) }, "presenceData.user_id"],
    ["a user id beyond 2^53", { user_id: 2 ** 53 }, "presenceData.user_id"],
    ["a fractional user id", { user_id: 1.5 }, "presenceData.user_id"],
    ["an empty user id", { user_id: "" }, "presenceData.user_id"],
    ["a user object over 1024 bytes of UTF-8 JSON", { user_id: "u", user_info: "€".repeat(338) }, "presenceData"]
  ])("deliberately refuses %s, which pusher@5.3.4 signs", (_, data, field) => {
    expect(official.authorizeChannel("1.2", "presence-a", data).auth).toMatch(/^aaaa:[0-9a-f]{64}$/)
    expect(fieldOf(run(Pusher.authorizeChannel("1.2", "presence-a", data)))).toBe(field)
  })

  it("takes a user object of exactly 1024 bytes", () => {
    const data = { user_id: "u", user_info: "€".repeat(331) + "a" }
    expect(new TextEncoder().encode(JSON.stringify(data)).length).toBe(1024)
    expect(Result.getOrThrow(run(Pusher.authorizeChannel("1.2", "presence-a", data)))).toStrictEqual(
      official.authorizeChannel("1.2", "presence-a", data)
    )
  })
})
