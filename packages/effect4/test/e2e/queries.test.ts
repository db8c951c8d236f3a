/**
 * `channels`, `channel` and `users` reflect what real clients are subscribed to, as soketi sees it.
 * (soketi ignores `info=user_count` on `/channels`, so only names and subscription counts are checked there.)
 */
import { Pusher } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { E2E, layer as e2e, profile } from "./harness/environment.js"

const notYet = Symbol("notYet")

/** Repeats a query until `done` holds for its answer, for at most 5 seconds; the query's own errors stop it. */
const eventually = <A, E, R>(query: Effect.Effect<A, E, R>, done: (a: A) => boolean) =>
  query.pipe(
    Effect.filterOrFail(done, () => notYet),
    Effect.retry({ schedule: Schedule.spaced("50 millis"), while: (error) => error === notYet }),
    Effect.timeoutOrElse({
      duration: "5 seconds",
      orElse: () => Effect.fail(new Error("the query never reached the state"))
    })
  )

layer(e2e, { timeout: "30 seconds", excludeTestServices: true })("queries", (it) => {
  it.effect("channels lists the occupied channels with a prefix, and drops vacated ones", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const one = yield* connect()
      const two = yield* connect()
      yield* one.subscribe("q-a")
      yield* two.subscribe("q-a")
      yield* two.subscribe("q-b")
      yield* one.subscribe("other-c")
      const listed = yield* Pusher.channels({ filterByPrefix: "q-" })
      // Channels lists names only unless asked for info; soketi always adds the subscription counts.
      const counted = (count: number) => (profile.answersInfo ? {} : { subscriptionCount: count })
      expect(listed.channels).toEqual({ "q-a": counted(2), "q-b": counted(1) })
      const all = yield* Pusher.channels()
      expect(Object.keys(all.channels)).toEqual(expect.arrayContaining(["q-a", "q-b", "other-c"]))
      two.pusher.unsubscribe("q-b")
      const after = yield* eventually(Pusher.channels({ filterByPrefix: "q-" }), (r) => !("q-b" in r.channels))
      expect(after.channels).toEqual({ "q-a": counted(2) })
    }))

  it.effect("channel reports occupation and counts", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const one = yield* connect({ userId: "henry" })
      const two = yield* connect({ userId: "henry" })
      const three = yield* connect({ userId: "iris" })
      yield* one.subscribe("private-q-room")
      yield* two.subscribe("private-q-room")
      for (const client of [one, two, three]) yield* client.subscribe("presence-q-room")
      expect(yield* Pusher.channel("private-q-room", { info: ["subscription_count"] })).toEqual({
        occupied: true,
        subscriptionCount: 2
      })
      expect(yield* Pusher.channel("presence-q-room", { info: ["user_count", "subscription_count"] })).toEqual({
        occupied: true,
        subscriptionCount: 3,
        userCount: 2
      })
      const empty = yield* Pusher.channel("q-nobody-here")
      expect(empty.occupied).toBe(false)
    }))

  it.effect("users lists the members of a presence channel as they come and go", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const jack = yield* connect({ userId: "jack" })
      const kate = yield* connect({ userId: "kate" })
      yield* jack.subscribe("presence-q-members")
      yield* kate.subscribe("presence-q-members")
      const users = yield* Pusher.users("presence-q-members")
      expect([...users].sort((a, b) => a.id.localeCompare(b.id))).toEqual([{ id: "jack" }, { id: "kate" }])
      kate.pusher.unsubscribe("presence-q-members")
      const after = yield* eventually(Pusher.users("presence-q-members"), (u) => u.length === 1)
      expect(after).toEqual([{ id: "jack" }])
    }))
})
