/**
 * Input from untyped JavaScript callers can be anything, including values that throw when read. Every
 * operation must still end with a typed failure, never a defect.
 */
import { AuthRequest, Pusher, PusherConfig, Webhook } from "@effect-pusher/core"
import { assert, describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { makeRecorder } from "./utils/recorder.js"

const throwing = <A extends object>(base: A, key: string): A =>
  Object.defineProperty({ ...base }, key, {
    enumerable: true,
    get: () => {
      throw new Error(`boom on ${key}`)
    }
  })

const hostileProxy = new Proxy({}, {
  ownKeys: () => {
    throw new Error("no keys for you")
  }
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped callers
const untyped = (value: unknown): any => value

const expectTypedFailure = (exit: Exit.Exit<unknown, { readonly _tag: string }>, tag: string, name = tag) => {
  assert(Exit.isFailure(exit), `${name}: expected a failure`)
  expect(Cause.hasDies(exit.cause), `${name}: a defect`).toBe(false)
  const error = Cause.findErrorOption(exit.cause)
  assert(error._tag === "Some")
  expect(error.value._tag).toBe(tag)
}

describe("hostile input", () => {
  const recorder = makeRecorder()
  const layer = Layer.merge(PusherConfig.layer({ appId: 1, key: "key", secret: "secret" }), recorder.layer)

  it.effect("typed failures, no defect, no request sent", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [string, Effect.Effect<unknown, { readonly _tag: string }, never>]> = [
        [
          "presence data with a throwing getter",
          Effect.provide(
            Pusher.authorizeChannel("1.2", "presence-a", throwing({ user_id: "ada" }, "user_info")),
            layer
          )
        ],
        [
          "user data with a throwing getter",
          Effect.provide(Pusher.authenticateUser("1.2", throwing({ id: "a" }, "id")), layer)
        ],
        [
          "a batch event with a throwing getter",
          Effect.provide(Pusher.triggerBatch([throwing({ channel: "a", name: "e", data: 1 }, "socketId")]), layer)
        ],
        ["trigger options that throw", Effect.provide(Pusher.trigger("a", "e", 1, throwing({}, "info")), layer)],
        ["params that cannot be listed", Effect.provide(Pusher.get("/channels", untyped(hostileProxy)), layer)],
        ["a channel list that is not an array", Effect.provide(Pusher.trigger(untyped({ length: 1 }), "e", 1), layer)],
        ["a channel name that is not a string", Effect.provide(Pusher.channel(untyped(42)), layer)]
      ]
      for (const [name, effect] of cases) {
        const exit = yield* Effect.exit(effect)
        expectTypedFailure(exit, "ValidationError", name)
      }
      expect(recorder.requests).toEqual([])
    }))

  it.effect("webhook requests that cannot be read are WebhookErrors", () =>
    Effect.gen(function*() {
      const config = PusherConfig.layer({ appId: 1, key: "key", secret: "secret" })
      for (
        const request of [
          { headers: null, body: "{}" },
          null,
          throwing({ headers: {}, body: "{}" }, "headers"),
          { headers: throwing({}, "x-pusher-key"), body: "{}" }
        ]
      ) {
        const exit = yield* Effect.exit(Effect.provide(Webhook.verify(untyped(request)), config))
        expectTypedFailure(exit, "WebhookError")
      }
    }))

  it.effect("auth requests that cannot be read are ValidationErrors, and decoding never throws eagerly", () =>
    Effect.gen(function*() {
      const request = untyped(throwing({ body: "socket_id=1.2" }, "body"))
      const decoding = AuthRequest.decodeChannel(request)
      expectTypedFailure(yield* Effect.exit(decoding), "ValidationError")
      expectTypedFailure(yield* Effect.exit(AuthRequest.decodeUser(request)), "ValidationError")
    }))
})
