import { describe, expect, it } from "@effect/vitest"
import * as EmulatorEvents from "../src/EmulatorEvents.js"
import * as EmulatorState from "../src/EmulatorState.js"
import type { Result } from "../src/Failure.js"

const value = <A>(result: Result<A>): A => {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.rule}`)
  return result.value
}

const subscribed = (...pairs: ReadonlyArray<readonly [string, string]>): EmulatorState.State =>
  pairs.reduce(
    (state, [channel, socketId]) => value(EmulatorState.subscribe(state, channel, { socketId }, 0, 1800)).state,
    EmulatorState.empty
  )

describe("EmulatorEvents", () => {
  it("webhook events follow the changes; subscription_count only when the app asks for it", () => {
    const { changes } = value(EmulatorState.subscribe(EmulatorState.empty, "presence-r", { user: { id: "u" } }, 0, 1))
    expect(EmulatorEvents.webhookEvents(changes, { subscriptionCountWebhooks: false })).toEqual([
      { name: "channel_occupied", channel: "presence-r" },
      { name: "member_added", channel: "presence-r", user_id: "u" }
    ])
    expect(EmulatorEvents.webhookEvents(changes, { subscriptionCountWebhooks: true })[2]).toEqual({
      name: "subscription_count",
      channel: "presence-r",
      subscription_count: 1
    })
    expect(EmulatorEvents.webhookBody(5, [{ name: "cache_miss", channel: "cache-x" }])).toBe(
      "{\"time_ms\":5,\"events\":[{\"name\":\"cache_miss\",\"channel\":\"cache-x\"}]}"
    )
    expect(EmulatorEvents.webhookHeaders("k", "sig")).toEqual({
      "content-type": "application/json",
      "x-pusher-key": "k",
      "x-pusher-signature": "sig"
    })
  })

  it("publish reaches the subscribers less the excluded socket, keeps cache events and counts", () => {
    const state = subscribed(["cache-a", "1.1"], ["cache-a", "2.2"])
    const published = EmulatorEvents.publish(state, { channel: "cache-a", name: "e", data: "d", socketId: "1.1" }, 7)
    expect(published.value).toEqual({
      sequence: 0,
      channel: "cache-a",
      name: "e",
      data: "d",
      excludedSocketId: "1.1",
      recipients: ["2.2"],
      userId: undefined
    })
    expect(published.state.cache.get("cache-a")).toEqual({ name: "e", data: "d", atMillis: 7 })
    expect(published.state.nextSequence).toBe(1)
    expect(state.cache.size).toBe(0)
  })

  it("publish on #server-to-user- reaches the user's connections and caches nothing", () => {
    let state = value(EmulatorState.connect(EmulatorState.empty, "1.1", "alice")).state
    state = value(EmulatorState.connect(state, "2.2", "bob")).state
    const input = { channel: "#server-to-user-alice", name: "e", data: "d", socketId: undefined }
    const published = EmulatorEvents.publish(state, input, 0)
    expect([published.value.recipients, published.value.userId]).toEqual([["1.1"], "alice"])
    expect(published.state.cache.size).toBe(0)
  })

  it("a client event needs a subscribed socket on a private or presence channel", () => {
    const state = value(EmulatorState.subscribe(
      EmulatorState.empty,
      "presence-p",
      {
        socketId: "1.1",
        user: { id: "ann" }
      },
      0,
      1
    )).state
    const sent = value(
      EmulatorEvents.clientEvent(state, { channel: "presence-p", event: "client-x", data: { a: 1 }, socketId: "1.1" })
    )
    expect(sent.state).toBe(state)
    expect(EmulatorEvents.webhookEvents(sent.changes, { subscriptionCountWebhooks: false })).toEqual([{
      name: "client_event",
      channel: "presence-p",
      event: "client-x",
      data: "{\"a\":1}",
      socket_id: "1.1",
      user_id: "ann"
    }])
    const refused = (event: EmulatorEvents.ClientEventInput) => {
      const result = EmulatorEvents.clientEvent(state, event)
      return result.ok ? "accepted" : result.error.field
    }
    expect(refused({ channel: "presence-p", event: "x", data: 1, socketId: "1.1" })).toBe("event")
    expect(refused({ channel: "public", event: "client-x", data: 1, socketId: "1.1" })).toBe("channel")
    expect(refused({ channel: "presence-p", event: "client-x", data: 1, socketId: "9.9" })).toBe("socketId")
    expect(refused({ channel: "presence-p", event: "client-x", data: 1n, socketId: "1.1" })).toBe("data")
    // Channels' 10 KB data limit, for a simulated client as for a real socket.
    expect(refused({ channel: "presence-p", event: "client-x", data: "x".repeat(10_240), socketId: "1.1" }))
      .toBe("accepted")
    expect(refused({ channel: "presence-p", event: "client-x", data: "x".repeat(10_241), socketId: "1.1" }))
      .toBe("data")
  })
})
