import { describe, expect, it } from "@effect/vitest"
import PusherNode from "pusher"
import * as EmulatorEvents from "../src/EmulatorEvents.js"
import * as EmulatorSocket from "../src/EmulatorSocket.js"
import * as EmulatorSocketFrames from "../src/EmulatorSocketFrames.js"
import * as EmulatorState from "../src/EmulatorState.js"
import type { Result } from "../src/Failure.js"
import * as HmacSha256 from "../src/HmacSha256.js"

// The oracle: pusher@5.3.4 signs the subscriptions and sign-ins the emulator must accept.
const official = new PusherNode({
  appId: "1",
  key: "app-key",
  secret: "app-secret",
  cluster: "mt1",
  encryptionMasterKeyBase64: "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE="
})
const app: EmulatorSocket.App = {
  key: "app-key",
  sign: HmacSha256.prepare("app-secret"),
  timingSafeEqual: (a, b) => a === b,
  cacheTtlSeconds: 1800
}

const value = <A>(result: Result<A>): A => {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.rule}`)
  return result.value
}

const connected = (state: EmulatorState.State = EmulatorState.empty) =>
  value(EmulatorState.connect(state, undefined, undefined))

const send = (
  state: EmulatorState.State,
  socketId: string,
  message: unknown,
  nowMillis = 0,
  rate: EmulatorSocket.RateWindow = EmulatorSocket.freshWindow
) =>
  EmulatorSocketFrames.receive(
    state,
    app,
    socketId,
    typeof message === "string" ? message : JSON.stringify(message),
    nowMillis,
    rate
  )

const parsed = (frames: ReadonlyArray<string>) => frames.map((frame) => JSON.parse(frame))

describe("EmulatorSocket", () => {
  it("the handshake answers the protocol's codes: 4005 path, 4001 key, 4008/4006/4007 version", () => {
    const query = (protocol?: string) => new Map(protocol === undefined ? [] : [["protocol", protocol]])
    expect(EmulatorSocket.checkHandshake("/app/app-key", query("7"), "app-key")).toBeUndefined()
    expect(EmulatorSocket.checkHandshake("/apps/app-key", query("7"), "app-key")?.code).toBe(4005)
    expect(EmulatorSocket.checkHandshake("/app/other", query("7"), "app-key")?.code).toBe(4001)
    expect(EmulatorSocket.checkHandshake("/app/app-key", query(), "app-key")?.code).toBe(4008)
    expect(EmulatorSocket.checkHandshake("/app/app-key", query("seven"), "app-key")?.code).toBe(4006)
    expect(EmulatorSocket.checkHandshake("/app/app-key", query("6"), "app-key")?.code).toBe(4007)
  })

  it("connection_established carries the socket id and the activity timeout as a JSON string", () => {
    expect(JSON.parse(EmulatorSocket.connectionEstablished("1.2"))).toEqual({
      event: "pusher:connection_established",
      data: JSON.stringify({ socket_id: "1.2", activity_timeout: 120 })
    })
  })

  it("hostile frames get pusher:error and change nothing: invalid JSON, non-objects, huge, unknown events", () => {
    const { state, value: socketId } = connected()
    const hostile = [
      "not json",
      "[1,2]",
      "null",
      JSON.stringify({ event: 42 }),
      "x".repeat(EmulatorSocket.maxFrameLength + 1),
      JSON.stringify({ event: "pusher:teleport", data: {} }),
      JSON.stringify({ event: "pusher:subscribe", data: "not an object" }),
      JSON.stringify({ event: "pusher:subscribe", data: { channel: "bad name!" } }),
      JSON.stringify({ event: "client-x", channel: "public", data: {} })
    ]
    for (const frame of hostile) {
      const answer = send(state, socketId, frame)
      expect(answer.state, frame.slice(0, 40)).toBe(state)
      expect(answer.value.close).toBeUndefined()
      expect(parsed(answer.value.replies).map((reply) => reply.event)).toEqual(["pusher:error"])
    }
  })

  it("a flood of refused subscriptions keeps the state (and its memory) where it was", () => {
    const { state, value: socketId } = connected()
    let next = state
    for (let i = 0; i < 20_000; i++) {
      next = send(next, socketId, { event: "pusher:subscribe", data: { channel: `private-${i}`, auth: "app-key:0" } })
        .state
    }
    expect(next).toBe(state)
    expect(next.channels.size).toBe(0)
  })

  it("ping is answered with pong", () => {
    const { state, value: socketId } = connected()
    expect(parsed(send(state, socketId, { event: "pusher:ping", data: {} }).value.replies)).toEqual([
      { event: "pusher:pong", data: "{}" }
    ])
  })

  it("private and encrypted subscriptions need the auth pusher@5.3.4 signs; a wrong one is an AuthError 401", () => {
    const { state, value: socketId } = connected()
    for (const channel of ["private-a", "private-encrypted-a"]) {
      const { auth } = official.authorizeChannel(socketId, channel)
      const ok = send(state, socketId, { event: "pusher:subscribe", data: { channel, auth } })
      expect(parsed(ok.value.replies)).toEqual([
        { event: "pusher_internal:subscription_succeeded", channel, data: "{}" }
      ])
      expect(ok.state.channels.get(channel)?.sockets.has(socketId)).toBe(true)
      const refused = send(state, socketId, { event: "pusher:subscribe", data: { channel, auth: `${auth}0` } })
      expect(refused.state).toBe(state)
      expect(parsed(refused.value.replies)[0]).toMatchObject({
        event: "pusher:subscription_error",
        channel,
        data: { type: "AuthError", status: 401 }
      })
    }
  })

  it("presence: subscription_succeeded lists the members; member_added and member_removed reach the others", () => {
    const first = connected()
    const second = connected(first.state)
    const join = (state: EmulatorState.State, socketId: string, userId: string) => {
      const data = { user_id: userId, user_info: { name: userId } }
      const { auth, channel_data } = official.authorizeChannel(socketId, "presence-room", data)
      return send(state, socketId, {
        event: "pusher:subscribe",
        data: { channel: "presence-room", auth, channel_data }
      })
    }
    const ann = join(second.state, first.value, "ann")
    const bob = join(ann.state, second.value, "bob")
    expect(JSON.parse(parsed(bob.value.replies)[0].data)).toEqual({
      presence: { ids: ["ann", "bob"], hash: { ann: { name: "ann" }, bob: { name: "bob" } }, count: 2 }
    })
    expect(EmulatorSocket.deliveries(bob.state, [], bob.changes)).toEqual([
      {
        recipients: [first.value],
        frame: EmulatorSocket.frame(
          "pusher_internal:member_added",
          { user_id: "bob", user_info: { name: "bob" } },
          "presence-room"
        )
      }
    ])
    const left = send(bob.state, second.value, { event: "pusher:unsubscribe", data: { channel: "presence-room" } })
    expect(EmulatorSocket.deliveries(left.state, [], left.changes)).toEqual([
      {
        recipients: [first.value],
        frame: EmulatorSocket.frame("pusher_internal:member_removed", { user_id: "bob" }, "presence-room")
      }
    ])
  })

  it("presence user ids: what pusher@5.3.4 signs and our authorizeChannel accepts, refused as it refuses", () => {
    const subscribe = (userId: unknown) => {
      const { state, value: socketId } = connected()
      const channel_data = JSON.stringify({ user_id: userId })
      const auth = `app-key:${app.sign(`${socketId}:presence-room:${channel_data}`)}`
      return parsed(
        send(state, socketId, {
          event: "pusher:subscribe",
          data: { channel: "presence-room", auth, channel_data }
        }).value.replies
      )[0]
    }
    // Any string of at most 128 characters and any safe integer (Users.checkPresenceUserId), not only the
    // channel-name alphabet of a signed-in user's id.
    for (const userId of ["alice smith", "jöhn", "x".repeat(128), 42]) {
      expect(subscribe(userId).event, String(userId)).toBe("pusher_internal:subscription_succeeded")
    }
    for (const userId of ["", "x".repeat(129), 1.5, 2 ** 60, null]) {
      expect(subscribe(userId).event, String(userId)).not.toBe("pusher_internal:subscription_succeeded")
    }
    // The 1 KB limit on the member, as authorization enforces it.
    expect(subscribe("a").event).toBe("pusher_internal:subscription_succeeded")
    const { state, value: socketId } = connected()
    const channel_data = JSON.stringify({ user_id: "a", user_info: "x".repeat(1100) })
    const auth = `app-key:${app.sign(`${socketId}:presence-room:${channel_data}`)}`
    const refused = send(state, socketId, {
      event: "pusher:subscribe",
      data: { channel: "presence-room", auth, channel_data }
    })
    expect(parsed(refused.value.replies)[0].event).not.toBe("pusher_internal:subscription_succeeded")
  })

  it("cache channels: pusher:cache_miss first, the last event afterwards", () => {
    const { state, value: socketId } = connected()
    const subscribe = { event: "pusher:subscribe", data: { channel: "cache-news" } }
    const miss = send(state, socketId, subscribe)
    expect(parsed(miss.value.replies)[1]).toEqual({ event: "pusher:cache_miss", channel: "cache-news", data: "{}" })
    expect(miss.changes).toContainEqual({ _tag: "CacheMiss", channel: "cache-news" })
    const published = EmulatorEvents.publish(
      state,
      { channel: "cache-news", name: "headline", data: "{\"n\":1}", socketId: undefined },
      0
    )
    const hit = send(published.state, socketId, subscribe, 1000)
    expect(parsed(hit.value.replies)[1]).toEqual({ event: "headline", channel: "cache-news", data: "{\"n\":1}" })
  })

  it("signin accepts what pusher@5.3.4 signs and refuses anything else with 4009", () => {
    const { state, value: socketId } = connected()
    const { auth, user_data } = official.authenticateUser(socketId, { id: "dana" })
    const ok = send(state, socketId, { event: "pusher:signin", data: { auth, user_data } })
    expect(parsed(ok.value.replies)[0].event).toBe("pusher:signin_success")
    expect(ok.state.connections.get(socketId)?.userId).toBe("dana")
    const toUser = send(ok.state, socketId, { event: "pusher:subscribe", data: { channel: "#server-to-user-dana" } })
    expect(parsed(toUser.value.replies)[0].event).toBe("pusher_internal:subscription_succeeded")
    const refused = send(state, socketId, { event: "pusher:signin", data: { auth: `${auth}0`, user_data } })
    expect(refused.value.close?.code).toBe(EmulatorSocket.ErrorCode.Unauthorized)
    expect(refused.state).toBe(state)
  })

  it("watchlist: the watched users online at signin, then online on a first connection and offline on the last", () => {
    const signin = (state: EmulatorState.State, socketId: string, user: Record<string, unknown>) => {
      const { auth, user_data } = official.authenticateUser(socketId, user as { id: string })
      return send(state, socketId, { event: "pusher:signin", data: { auth, user_data } })
    }
    const watchlistFrames = (deliveries: ReadonlyArray<EmulatorSocket.Delivery>) =>
      deliveries.map((delivery) => ({ recipients: delivery.recipients, ...JSON.parse(delivery.frame) }))
    // bob is online before ann signs in watching bob and carl.
    const bobSocket = connected()
    const bob = signin(bobSocket.state, bobSocket.value, { id: "bob" })
    expect(bob.changes).toEqual([{ _tag: "UserOnline", userId: "bob" }])
    const annSocket = connected(bob.state)
    const ann = signin(annSocket.state, annSocket.value, { id: "ann", watchlist: ["bob", "carl"] })
    expect(parsed(ann.value.replies)).toEqual([
      {
        event: "pusher:signin_success",
        data: JSON.stringify({ user_data: JSON.stringify({ id: "ann", watchlist: ["bob", "carl"] }) })
      },
      {
        event: "pusher_internal:watchlist_events",
        data: JSON.stringify({ events: [{ name: "online", user_ids: ["bob"] }] })
      }
    ])
    // carl's first connection: ann is told carl is online; his second connection tells no one.
    const carl1 = connected(ann.state)
    const carlIn = signin(carl1.state, carl1.value, { id: "carl" })
    expect(watchlistFrames(EmulatorSocket.deliveries(carlIn.state, [], carlIn.changes))).toEqual([
      {
        recipients: [annSocket.value],
        event: "pusher_internal:watchlist_events",
        data: JSON.stringify({ events: [{ name: "online", user_ids: ["carl"] }] })
      }
    ])
    const carl2 = connected(carlIn.state)
    const carlAgain = signin(carl2.state, carl2.value, { id: "carl" })
    expect(carlAgain.changes).toEqual([])
    // carl's first connection closes: still online; the last one: ann is told carl is offline.
    const oneLeft = EmulatorState.disconnect(carlAgain.state, carl1.value)
    expect(oneLeft.changes).toEqual([])
    const gone = EmulatorState.disconnect(oneLeft.state, carl2.value)
    expect(watchlistFrames(EmulatorSocket.deliveries(gone.state, [], gone.changes))).toEqual([
      {
        recipients: [annSocket.value],
        event: "pusher_internal:watchlist_events",
        data: JSON.stringify({ events: [{ name: "offline", user_ids: ["carl"] }] })
      }
    ])
    // terminate_connections takes bob offline too; watchlist events send no webhook.
    const terminated = EmulatorState.terminate(gone.state, "bob")
    expect(terminated.ok && terminated.value.changes).toEqual([{ _tag: "UserOffline", userId: "bob" }])
    expect(EmulatorEvents.webhookEvents(gone.changes, { subscriptionCountWebhooks: true })).toEqual([])
  })

  it("watchlist: at most maxWatchlistSize valid user ids, else the sign-in is refused with 4009", () => {
    const { state, value: socketId } = connected()
    const tooMany = Array.from({ length: 101 }, (_, i) => `u${i}`)
    for (const watchlist of [tooMany, ["ok", "bad id!"], "bob", [42], [""]]) {
      const user_data = JSON.stringify({ id: "ann", watchlist })
      const auth = `app-key:${app.sign(`${socketId}::user::${user_data}`)}`
      const refused = send(state, socketId, { event: "pusher:signin", data: { auth, user_data } })
      expect(refused.value.close?.code, user_data.slice(0, 40)).toBe(EmulatorSocket.ErrorCode.Unauthorized)
      expect(refused.value.close?.message).toMatch(/watchlist/)
      expect(refused.state).toBe(state)
    }
    const { auth, user_data } = official.authenticateUser(socketId, { id: "ann", watchlist: tooMany.slice(0, 100) })
    const accepted = send(state, socketId, { event: "pusher:signin", data: { auth, user_data } })
    expect(accepted.value.close).toBeUndefined()
    expect(accepted.state.connections.get(socketId)?.watchlist).toHaveLength(100)
    // An app whose plan allows fewer refuses more than that.
    const small = EmulatorSocketFrames.receive(
      state,
      { ...app, maxWatchlistSize: 2 },
      socketId,
      JSON.stringify({ event: "pusher:signin", data: { auth, user_data } }),
      0,
      EmulatorSocket.freshWindow
    )
    expect(small.value.close?.message).toMatch(/at most 2 user ids, got 100/)
  })

  it("client events: private or presence, subscribed, prefixed; the 11th in a second is refused with 4301", () => {
    const { state, value: socketId } = connected()
    const { auth } = official.authorizeChannel(socketId, "private-chat")
    const joined = send(state, socketId, { event: "pusher:subscribe", data: { channel: "private-chat", auth } }).state
    let rate = EmulatorSocket.freshWindow
    const codes: Array<number | null | undefined> = []
    for (let i = 0; i < 11; i++) {
      const answer = send(joined, socketId, { event: "client-typing", channel: "private-chat", data: { i } }, 500, rate)
      rate = answer.value.rate
      codes.push(answer.value.replies.length === 0 ? undefined : parsed(answer.value.replies)[0].data.code)
      if (i < 10) expect(answer.changes[0]).toMatchObject({ _tag: "ClientEvent", data: JSON.stringify({ i }) })
    }
    expect(codes).toEqual([...Array(10).fill(undefined), 4301])
    // A new second, a new allowance.
    expect(send(joined, socketId, { event: "client-x", channel: "private-chat", data: 1 }, 1500, rate).changes)
      .toHaveLength(1)
    // Not subscribed: refused, nothing delivered.
    expect(send(state, socketId, { event: "client-x", channel: "private-chat", data: 1 }).changes).toEqual([])
  })

  it("the rate window admits clientEventsPerSecond events per second", () => {
    let window: EmulatorSocket.RateWindow | undefined = EmulatorSocket.freshWindow
    let admitted = 0
    for (let i = 0; i < 25 && window !== undefined; i++) {
      const next: EmulatorSocket.RateWindow | undefined = EmulatorSocket.admit(window, 100)
      if (next !== undefined) admitted++
      window = next
    }
    expect(admitted).toBe(EmulatorSocket.clientEventsPerSecond)
  })
})
