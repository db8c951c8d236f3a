/**
 * User sign-in through the suite's user-auth endpoint, `sendToUser` to every connection of a user (and to
 * no one else), and `terminateUserConnections` closing exactly that user's connections.
 */
import { Pusher, PusherBatching } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { E2E, layer as e2e, profile } from "./harness/environment.js"

layer(e2e, { timeout: "30 seconds", excludeTestServices: true })("users", (it) => {
  it.effect("sendToUser reaches every signed-in connection of that user only", () =>
    Effect.gen(function*() {
      const { auth, connect } = yield* E2E
      const phone = yield* connect({ userId: "dana" })
      const laptop = yield* connect({ userId: "dana" })
      const other = yield* connect({ userId: "erin" })
      for (const client of [phone, laptop, other]) yield* client.signin
      expect(auth.requests).toContainEqual({ path: "/pusher/user-auth", socketId: phone.socketId, mode: "allow" })
      const onPhone = phone.recordUser("notice")
      const onLaptop = laptop.recordUser("notice")
      const onOther = other.recordUser("notice")
      yield* Pusher.sendToUser("dana", "notice", { text: "for dana" })
      yield* Pusher.sendToUser("erin", "notice", { text: "for erin" })
      expect(yield* onPhone.atLeast(1)).toEqual([{ text: "for dana" }])
      expect(yield* onLaptop.atLeast(1)).toEqual([{ text: "for dana" }])
      // erin's own event arrived after dana's was sent: had dana's reached erin, it would be here first.
      expect(yield* onOther.atLeast(1)).toEqual([{ text: "for erin" }])
    }))

  it.effect("with batching on, sendToUser and triggers travel in one batch_events request and arrive", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const user = yield* connect({ userId: "hana" })
      yield* user.signin
      const onUser = user.recordUser("batched")
      const stats = yield* Effect.gen(function*() {
        yield* Effect.all([
          Pusher.sendToUser("hana", "batched", { n: 1 }),
          Pusher.trigger("batched-channel", "e", 1),
          Pusher.sendToUser("hana", "batched", { n: 2 })
        ], { concurrency: "unbounded" })
        return yield* PusherBatching.stats
      }).pipe(Effect.provide(PusherBatching.layer()))
      expect(stats).toEqual({ requests: 1, events: 3, isolated: 0 })
      expect(yield* onUser.atLeast(2)).toEqual([{ n: 1 }, { n: 2 }])
    }))

  it.effect("terminateUserConnections disconnects that user's connections and no others", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const first = yield* connect({ userId: "frank" })
      const second = yield* connect({ userId: "frank" })
      const bystander = yield* connect({ userId: "grace" })
      for (const client of [first, second, bystander]) yield* client.signin
      yield* Pusher.terminateUserConnections("frank")
      for (const client of [first, second]) {
        yield* client.waitForState((state) => state !== "connected", "frank's connection to be closed")
      }
      expect(bystander.state()).toBe("connected")
      const stillThere = bystander.recordUser("ping")
      yield* Pusher.sendToUser("grace", "ping", "pong")
      expect(yield* stillThere.atLeast(1)).toEqual(["pong"])
    }))

  it.effect("watchlist: online for watched users already there and arriving, offline when their last connection goes", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const ivan = yield* connect({ userId: "ivan" })
      yield* ivan.signin
      const judy = yield* connect({ userId: "judy", watchlist: ["ivan", "kate"] })
      const seen = judy.recordWatchlist
      yield* judy.signin
      // kate signs in on one connection, which her scope then closes.
      yield* Effect.scoped(Effect.flatMap(connect({ userId: "kate" }), (kate) => kate.signin))
      // A user event to judy is the marker for a server without watchlist events: judy's own online event
      // for ivan would have come before it.
      const marker = judy.recordUser("marker")
      if (profile.watchlistEvents) {
        expect(yield* seen.atLeast(3)).toEqual([
          { name: "online", user_ids: ["ivan"] },
          { name: "online", user_ids: ["kate"] },
          { name: "offline", user_ids: ["kate"] }
        ])
      }
      yield* Pusher.sendToUser("judy", "marker", 1)
      yield* marker.atLeast(1)
      expect(seen.events).toHaveLength(profile.watchlistEvents ? 3 : 0)
    }))

  it.effect("the server refuses a sign-in signed with a wrong secret", () =>
    Effect.gen(function*() {
      const { connect } = yield* E2E
      const client = yield* connect({ userId: "mallory", authMode: "wrong-secret" })
      client.pusher.signin()
      // Both servers answer pusher:error 4009 and close the connection.
      yield* client.waitForState((state) => state !== "connected", "the refused connection to be closed")
    }))
})
