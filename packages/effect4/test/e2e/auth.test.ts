/**
 * pusher-js subscribes to private, presence and encrypted channels through the suite's auth endpoint (which
 * signs with the library), and soketi refuses the subscription when the authorizer denies or signs with a
 * wrong secret.
 */
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { E2E, layer as e2e } from "./harness/environment.js"

const channels = ["private-auth", "presence-auth", "private-encrypted-auth"] as const

layer(e2e, { timeout: "30 seconds", excludeTestServices: true })("channel authorization", (it) => {
  it.effect("private, presence and encrypted subscriptions succeed with the library's signature", () =>
    Effect.gen(function*() {
      const { auth, connect } = yield* E2E
      const client = yield* connect({ userId: "carol" })
      for (const name of channels) {
        const result = yield* client.trySubscribe(name)
        expect(result.ok, name).toBe(true)
      }
      const mine = auth.requests.filter((request) => request.socketId === client.socketId)
      expect(mine).toHaveLength(3)
      expect(client.members(client.pusher.channel("presence-auth"))).toEqual(["carol"])
    }))

  it.effect("a subscription fails when the authorizer denies (HTTP 403 from the endpoint)", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect({ userId: "mallory", authMode: "deny" })
      for (const name of channels) {
        const result = yield* client.trySubscribe(name)
        expect(result, name).toMatchObject({ ok: false, failure: { type: "AuthError", status: 403 } })
      }
    }))

  it.effect("the server refuses a subscription signed with a wrong secret", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect({ userId: "mallory", authMode: "wrong-secret" })
      for (const name of channels) {
        const result = yield* client.trySubscribe(name)
        expect(result, name).toMatchObject({ ok: false, failure: { type: "AuthError", status: 401 } })
      }
      // The connection itself stays usable: a properly signed public subscription still works.
      expect((yield* client.trySubscribe("public-after-refusal")).ok).toBe(true)
    }))
})
