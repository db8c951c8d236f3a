import { describe, expect, it } from "@effect/vitest"
import * as EmulatorEvents from "../src/EmulatorEvents.js"
import * as EmulatorQueries from "../src/EmulatorQueries.js"
import * as EmulatorState from "../src/EmulatorState.js"
import type { Result } from "../src/Failure.js"

const value = <A>(result: Result<A>): A => {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.rule}`)
  return result.value
}

const state = [
  ["presence-a", "1.1", "u1"],
  ["presence-a", "2.2", "u2"],
  ["presence-a", "3.3", "u1"],
  ["c", "1.1", undefined]
].reduce(
  (s: EmulatorState.State, [channel = "", socketId, id]) =>
    value(EmulatorState.subscribe(s, channel, { socketId, user: id === undefined ? undefined : { id } }, 0, 1)).state,
  EmulatorState.empty
)

const all = EmulatorQueries.parseInfo("subscription_count,user_count")

describe("EmulatorQueries", () => {
  it("parseInfo splits on commas and drops empty names", () => {
    expect(Array.from(EmulatorQueries.parseInfo("a,,b"))).toEqual(["a", "b"])
    expect(EmulatorQueries.parseInfo(undefined).size).toBe(0)
  })

  it("channels lists occupied channels by prefix; user_count needs the presence- prefix", () => {
    expect(value(EmulatorQueries.channels(state, "", new Set()))).toEqual({ channels: { "presence-a": {}, c: {} } })
    expect(value(EmulatorQueries.channels(state, "presence-", all))).toEqual({
      channels: { "presence-a": { subscription_count: 3, user_count: 2 } }
    })
    const refused = EmulatorQueries.channels(state, "", all)
    expect(refused.ok ? undefined : refused.error.field).toBe("info")
  })

  it("channel answers occupancy, counts and the cached event with the seconds it has left", () => {
    expect(value(EmulatorQueries.channel(state, "presence-a", all, 0, 1))).toEqual({
      occupied: true,
      subscription_count: 3,
      user_count: 2
    })
    expect(value(EmulatorQueries.channel(state, "nobody", new Set(), 0, 1))).toEqual({ occupied: false })
    const cached = EmulatorEvents.publish(state, { channel: "cache-x", name: "e", data: "d", socketId: undefined }, 0)
    const info = EmulatorQueries.parseInfo("cache")
    expect(value(EmulatorQueries.channel(cached.state, "cache-x", info, 1500, 10)).cache).toEqual({ data: "d", ttl: 9 })
    expect(value(EmulatorQueries.channel(cached.state, "cache-x", info, 10_000, 10)).cache).toBeUndefined()
    expect(EmulatorQueries.channel(state, "c", all, 0, 1).ok).toBe(false)
    expect(EmulatorQueries.channel(state, "a b", new Set(), 0, 1).ok).toBe(false)
  })

  it("users lists each presence member once, only on presence channels", () => {
    expect(value(EmulatorQueries.users(state, "presence-a"))).toEqual({ users: [{ id: "u1" }, { id: "u2" }] })
    expect(value(EmulatorQueries.users(state, "presence-none"))).toEqual({ users: [] })
    expect(EmulatorQueries.users(state, "c").ok).toBe(false)
  })
})
