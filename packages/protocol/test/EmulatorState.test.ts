import { describe, expect, it } from "@effect/vitest"
import * as EmulatorState from "../src/EmulatorState.js"
import type { Result } from "../src/Failure.js"

const value = <A>(result: Result<A>): A => {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.rule}`)
  return result.value
}

const failure = <A>(result: Result<A>) => (result.ok ? expect.unreachable("accepted") : result.error)

describe("EmulatorState", () => {
  it("connect issues fresh socket ids, never reused after reset", () => {
    const a = value(EmulatorState.connect(EmulatorState.empty, undefined, undefined))
    const b = value(EmulatorState.connect(a.state, undefined, "alice"))
    expect(a.value).not.toBe(b.value)
    expect(b.state.connections.get(b.value)?.userId).toBe("alice")
    const reset = EmulatorState.reset(b.state)
    expect(reset.connections.size).toBe(0)
    expect(value(EmulatorState.connect(reset, undefined, undefined)).value).not.toBe(a.value)
    // The input state is never changed.
    expect(EmulatorState.empty.connections.size).toBe(0)
    expect(a.state.connections.size).toBe(1)
  })

  it("connect refuses a bad socket id or user id, or a socket taken by another user", () => {
    expect(failure(EmulatorState.connect(EmulatorState.empty, "nope", undefined)).field).toBe("socketId")
    expect(failure(EmulatorState.connect(EmulatorState.empty, undefined, "a b")).field).toBe("userId")
    const ann = value(EmulatorState.connect(EmulatorState.empty, "1.1", "ann"))
    expect(failure(EmulatorState.connect(ann.state, "1.1", "bob")).rule).toBe("is already connected as ann")
    expect(value(EmulatorState.connect(ann.state, "1.1", undefined)).state).toBe(ann.state)
  })

  it("subscribe reports occupancy, members, counts and cache misses in Channels' order", () => {
    const first = value(EmulatorState.subscribe(
      EmulatorState.empty,
      "presence-cache-r",
      {
        socketId: "1.1",
        user: { id: "ann", info: { name: "Ann" } }
      },
      0,
      1800
    ))
    expect(first.value).toBe("1.1")
    expect(first.changes).toEqual([
      { _tag: "ChannelOccupied", channel: "presence-cache-r" },
      { _tag: "MemberAdded", channel: "presence-cache-r", userId: "ann" },
      { _tag: "SubscriptionCount", channel: "presence-cache-r", count: 1 },
      { _tag: "CacheMiss", channel: "presence-cache-r" }
    ])
    expect(first.state.channels.get("presence-cache-r")?.sockets.get("1.1")).toEqual({
      userId: "ann",
      userInfo: { name: "Ann" }
    })
    const again = value(EmulatorState.subscribe(
      first.state,
      "presence-cache-r",
      {
        socketId: "1.1",
        user: { id: "ann" }
      },
      0,
      1800
    ))
    expect(again.changes).toEqual([])
    const second = value(EmulatorState.subscribe(first.state, "presence-cache-r", { user: { id: "ann" } }, 0, 1800))
    expect(second.changes.map((c) => c._tag)).toEqual(["SubscriptionCount", "CacheMiss"])
    expect(second.state.channels.get("presence-cache-r")?.users.get("ann")).toBe(2)
  })

  it("subscribe validates the channel and the presence member", () => {
    const s = EmulatorState.empty
    expect(failure(EmulatorState.subscribe(s, "presence-x", undefined, 0, 1)).field).toBe("options.user")
    expect(failure(EmulatorState.subscribe(s, "x", { user: { id: "u" } }, 0, 1)).field).toBe("options.user")
    expect(failure(EmulatorState.subscribe(s, "presence-x", { user: { id: "" } }, 0, 1)).field).toBe("options.user.id")
    expect(failure(EmulatorState.subscribe(s, "bad name", undefined, 0, 1)).field).toBe("channel")
  })

  it("unsubscribe and disconnect undo subscriptions, reporting the last member and vacancy", () => {
    let state = EmulatorState.empty
    for (const [socketId, id] of [["1.1", "ann"], ["2.2", "ann"], ["3.3", "bob"]] as const) {
      state = value(EmulatorState.subscribe(state, "presence-r", { socketId, user: { id } }, 0, 1)).state
    }
    const left = EmulatorState.unsubscribe(state, "presence-r", "1.1")
    expect(left.changes).toEqual([{ _tag: "SubscriptionCount", channel: "presence-r", count: 2 }])
    const bob = EmulatorState.disconnect(left.state, "3.3")
    expect(bob.changes.map((c) => c._tag)).toEqual(["MemberRemoved", "SubscriptionCount"])
    expect(bob.state.connections.has("3.3")).toBe(false)
    const last = EmulatorState.disconnect(bob.state, "2.2")
    expect(last.changes.map((c) => c._tag)).toEqual(["MemberRemoved", "SubscriptionCount", "ChannelVacated"])
    expect(last.state.channels.size).toBe(0)
    expect(EmulatorState.disconnect(last.state, "2.2")).toEqual({ state: last.state, value: undefined, changes: [] })
    expect(EmulatorState.unsubscribe(last.state, "presence-r", "1.1").changes).toEqual([])
  })

  it("terminate closes every connection of a user", () => {
    let state = value(EmulatorState.connect(EmulatorState.empty, "1.1", "alice")).state
    state = value(EmulatorState.connect(state, "2.2", "alice")).state
    state = value(EmulatorState.subscribe(state, "news", { socketId: "1.1" }, 0, 1)).state
    state = value(EmulatorState.subscribe(state, "news", { socketId: "3.3" }, 0, 1)).state
    const closed = value(EmulatorState.terminate(state, "alice"))
    expect(closed.value).toEqual(["1.1", "2.2"])
    expect(Array.from(closed.state.connections.keys())).toEqual(["3.3"])
    // alice's last connection closing takes her offline (watchlist events), once.
    expect(closed.changes).toEqual([
      { _tag: "SubscriptionCount", channel: "news", count: 1 },
      { _tag: "UserOffline", userId: "alice" }
    ])
    expect(failure(EmulatorState.terminate(state, "..")).field).toBe("user id")
  })

  it("cachedEvent answers until the time to live has passed", () => {
    const state: EmulatorState.State = {
      ...EmulatorState.empty,
      cache: new Map([["cache-x", { data: "d", atMillis: 1000 }]])
    }
    expect(EmulatorState.cachedEvent(state, "cache-x", 10_999, 10)?.data).toBe("d")
    expect(EmulatorState.cachedEvent(state, "cache-x", 11_000, 10)).toBeUndefined()
    expect(EmulatorState.cachedEvent(state, "cache-y", 0, 10)).toBeUndefined()
  })
})
