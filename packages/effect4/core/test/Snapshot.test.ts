/**
 * Every operation reads what it is given exactly once, checks that snapshot and sends that snapshot; only
 * the reading is guarded, so a bug of ours (a throw after the snapshot) stays a defect.
 */
import { AuthRequest, Pusher, PusherConfig, PusherCrypto } from "@effect-pusher/core"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { makeRecorder } from "./utils/recorder.js"

const masterKeyBase64 = "zyrm8pvV2C9fJcBfhyXzvxbJVN/H7QLmbe0xJi1GhPU="
const config = PusherConfig.layer({
  appId: 1,
  key: "key",
  secret: "secret",
  encryptionMasterKeyBase64: masterKeyBase64
})

/** A value that answers `first` on the first read and `then` on every later one, counting its reads. */
const shifting = <A>(first: A, then: A) => {
  let reads = 0
  return {
    reads: () => reads,
    get: (): A => reads++ === 0 ? first : then
  }
}

const sentBody = (recorder: ReturnType<typeof makeRecorder>): Record<string, unknown> => {
  expect(recorder.requests).toHaveLength(1)
  return JSON.parse(recorder.requests[0]!.body ?? "null")
}

const isSealed = (data: unknown): boolean => {
  if (typeof data !== "string") return false
  const parsed: unknown = JSON.parse(data)
  return typeof parsed === "object" && parsed !== null && "nonce" in parsed && "ciphertext" in parsed
}

describe("snapshot", () => {
  it.effect("trigger: a channel list that answers differently on each read is checked and sent as first read", () =>
    Effect.gen(function*() {
      const recorder = makeRecorder()
      const channel = shifting("private-encrypted-x", "public")
      const channels = new Proxy(["placeholder"], {
        get: (target, key, receiver) => key === "0" ? channel.get() : Reflect.get(target, key, receiver)
      })
      yield* Pusher.trigger(channels, "e", { secret: "plans" }).pipe(
        Effect.provide(Layer.merge(config, recorder.layer))
      )
      expect(channel.reads()).toBe(1)
      const body = sentBody(recorder)
      expect(body.channels).toEqual(["private-encrypted-x"])
      // The encrypted channel that was validated gets sealed data, never the plaintext.
      expect(isSealed(body.data)).toBe(true)
      expect(recorder.requests[0]!.body).not.toContain("plans")
    }))

  it.effect("triggerBatch: each event's getters are read once, and what was checked is what is sent", () =>
    Effect.gen(function*() {
      const recorder = makeRecorder()
      const channel = shifting("private-encrypted-x", "public")
      const socketId = shifting("1.2", "not a socket id")
      const event = {
        get channel() {
          return channel.get()
        },
        name: "e",
        data: "plaintext",
        get socketId() {
          return socketId.get()
        }
      }
      yield* Pusher.triggerBatch([event]).pipe(Effect.provide(Layer.merge(config, recorder.layer)))
      expect([channel.reads(), socketId.reads()]).toEqual([1, 1])
      const body = sentBody(recorder)
      const [sent] = body.batch as ReadonlyArray<Record<string, unknown>>
      expect(sent?.channel).toBe("private-encrypted-x")
      expect(sent?.socket_id).toBe("1.2")
      expect(isSealed(sent?.data)).toBe(true)
    }))

  it.effect("trigger options: socketId and info are read once each", () =>
    Effect.gen(function*() {
      const recorder = makeRecorder()
      const socketId = shifting("1.2", "bad")
      const info = shifting<ReadonlyArray<"user_count">>(["user_count"], [])
      const options = {
        get socketId() {
          return socketId.get()
        },
        get info() {
          return info.get()
        }
      }
      yield* Pusher.trigger("presence-a", "e", 1, options).pipe(Effect.provide(Layer.merge(config, recorder.layer)))
      expect([socketId.reads(), info.reads()]).toEqual([1, 1])
      expect(sentBody(recorder)).toEqual({
        name: "e",
        data: "1",
        channels: ["presence-a"],
        socket_id: "1.2",
        info: "user_count"
      })
    }))

  it.effect("authorizeChannel: presence data is signed as it was checked", () =>
    Effect.gen(function*() {
      const userId = shifting("ada", "")
      const presenceData = {
        get user_id() {
          return userId.get()
        }
      }
      const answer = yield* Pusher.authorizeChannel("1.2", "presence-a", presenceData).pipe(Effect.provide(config))
      expect(userId.reads()).toBe(1)
      expect(answer.channel_data).toBe(`{"user_id":"ada"}`)
    }))

  it.effect("AuthRequest: a parsed body's fields are read once", () =>
    Effect.gen(function*() {
      const socketId = shifting("1.2", "bad")
      const body = {
        get socket_id() {
          return socketId.get()
        },
        channel_name: "private-a"
      }
      const decoded = yield* AuthRequest.decodeChannel({ body })
      expect(socketId.reads()).toBe(1)
      expect(decoded).toEqual({ socketId: "1.2", channelName: "private-a" })
    }))
})

describe("a bug of ours stays a defect", () => {
  const broken = (part: keyof PusherCrypto.Service): Layer.Layer<never> =>
    PusherCrypto.layer({
      ...PusherCrypto.portable,
      [part]: () => {
        throw new Error(`bug in ${part}`)
      }
    })

  const expectDefect = (exit: Exit.Exit<unknown, unknown>, message: string) => {
    assert(Exit.isFailure(exit))
    expect(Cause.hasDies(exit.cause)).toBe(true)
    expect(Cause.hasFails(exit.cause)).toBe(false)
    expect(Cause.pretty(exit.cause)).toContain(message)
  }

  it.effect("a throwing cipher source while sealing a valid event is a Die, not a ValidationError", () =>
    Effect.gen(function*() {
      const recorder = makeRecorder()
      const exit = yield* Effect.exit(
        Pusher.trigger("private-encrypted-x", "e", 1).pipe(
          Effect.provide(Layer.mergeAll(config, recorder.layer, broken("randomBytes")))
        )
      )
      expectDefect(exit, "bug in randomBytes")
      expect(recorder.requests).toEqual([])
    }))

  it.effect("a throwing signer while authorizing is a Die", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Pusher.authorizeChannel("1.2", "private-a").pipe(
          // A fresh config: the signer cache is per config.
          Effect.provide(Layer.merge(PusherConfig.layer({ appId: 2, key: "k", secret: "s" }), broken("hmacSha256Hex")))
        )
      )
      expectDefect(exit, "bug in hmacSha256Hex")
    }))
})
