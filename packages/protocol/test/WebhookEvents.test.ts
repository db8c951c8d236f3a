import { describe, expect, it } from "@effect/vitest"
import * as WebhookEvents from "../src/WebhookEvents.js"

describe("decodePayload", () => {
  it("decodes every kind into plain events and keeps unknown kinds whole", () => {
    const unknown = { name: "brand_new", channel: "a", detail: [1] }
    const result = WebhookEvents.decodePayload({
      time_ms: 5,
      events: [
        { name: "channel_occupied", channel: "a" },
        { name: "channel_vacated", channel: "a" },
        { name: "member_added", channel: "presence-a", user_id: "u" },
        { name: "member_removed", channel: "presence-a", user_id: "u" },
        { name: "client_event", channel: "private-a", event: "client-x", data: "{}", socket_id: "1.2" },
        { name: "client_event", channel: "presence-a", event: "client-x", data: null, socket_id: "1.2", user_id: "u" },
        { name: "cache_miss", channel: "cache-a" },
        { name: "subscription_count", channel: "a", subscription_count: 0 },
        unknown
      ]
    })
    expect(result).toStrictEqual({
      ok: true,
      value: {
        timeMs: 5,
        events: [
          { _tag: "ChannelOccupied", channel: "a" },
          { _tag: "ChannelVacated", channel: "a" },
          { _tag: "MemberAdded", channel: "presence-a", userId: "u" },
          { _tag: "MemberRemoved", channel: "presence-a", userId: "u" },
          { _tag: "ClientEvent", channel: "private-a", event: "client-x", data: "{}", socketId: "1.2" },
          { _tag: "ClientEvent", channel: "presence-a", event: "client-x", data: null, socketId: "1.2", userId: "u" },
          { _tag: "CacheMiss", channel: "cache-a" },
          { _tag: "SubscriptionCount", channel: "a", subscriptionCount: 0 },
          { _tag: "Unknown", name: "brand_new", raw: unknown }
        ]
      }
    })
  })

  it.each([
    [null, "body", "must be a JSON object"],
    [{ time_ms: "1", events: [] }, "time_ms", "must be a number when given"],
    [{ time_ms: 1, events: {} }, "events", "must be an array"],
    [{ time_ms: 1, events: [[]] }, "events[0]", "must be an object"],
    [{ time_ms: 1, events: [{ channel: "a" }] }, "events[0].name", "must be a string"]
  ])("refuses the envelope %j, naming %s", (input, field, rule) => {
    expect(WebhookEvents.decodePayload(input)).toEqual({ ok: false, error: { field, rule } })
  })

  it("accepts a body without time_ms", () => {
    expect(WebhookEvents.decodePayload({ events: [] })).toStrictEqual({ ok: true, value: { events: [] } })
  })

  it("decodes a numeric presence user_id (a safe integer) as its string", () => {
    const result = WebhookEvents.decodePayload({
      time_ms: 1,
      events: [
        { name: "member_added", channel: "presence-a", user_id: 42 },
        { name: "client_event", channel: "presence-a", event: "client-x", data: "{}", socket_id: "1.2", user_id: 7 }
      ]
    })
    expect(result).toStrictEqual({
      ok: true,
      value: {
        timeMs: 1,
        events: [
          { _tag: "MemberAdded", channel: "presence-a", userId: "42" },
          { _tag: "ClientEvent", channel: "presence-a", event: "client-x", data: "{}", socketId: "1.2", userId: "7" }
        ]
      }
    })
  })

  it.each([
    [{ name: "cache_miss" }, "channel: must be a string"],
    [{ name: "member_added", channel: "a" }, "user_id: must be a string or a safe integer"],
    [{ name: "member_removed", channel: "a", user_id: 1.5 }, "user_id: must be a string or a safe integer"],
    [{ name: "member_added", channel: "a", user_id: 2 ** 53 }, "user_id: must be a string or a safe integer"],
    [{ name: "client_event", channel: "a", event: "e", socket_id: "1.2" }, "data: must be present"],
    [
      { name: "client_event", channel: "a", event: "e", data: 1, socket_id: "1.2", user_id: true },
      "user_id: must be a string or a safe integer when given"
    ],
    [
      { name: "subscription_count", channel: "a", subscription_count: -1 },
      "subscription_count: must be a non-negative integer"
    ]
  ])("keeps the malformed known event %j as an UnknownEvent with the reason %s", (event, reason) => {
    expect(WebhookEvents.decodePayload({ time_ms: 1, events: [event] })).toStrictEqual({
      ok: true,
      value: { timeMs: 1, events: [{ _tag: "Unknown", name: event.name, raw: event, reason }] }
    })
    expect(WebhookEvents.malformation(event)).toBe(reason)
  })
})

describe("clientEventData", () => {
  it("parses a JSON string, keeps a string that is not JSON, and leaves decrypted data alone", () => {
    expect(WebhookEvents.clientEventData("private-a", "{\"x\":1}")).toEqual({ x: 1 })
    expect(WebhookEvents.clientEventData("private-a", "null")).toBe(null)
    expect(WebhookEvents.clientEventData("private-a", "hi")).toBe("hi")
    expect(WebhookEvents.clientEventData("private-encrypted-a", "{\"x\":1}")).toBe("{\"x\":1}")
    const decrypted = { x: 1 }
    expect(WebhookEvents.clientEventData("private-encrypted-a", decrypted)).toBe(decrypted)
  })
})

describe("readClientEvent", () => {
  const event = { _tag: "ClientEvent", channel: "private-a", event: "client-x", data: "{}", socketId: "1.2" } as const

  it("copies a client event once, its data as plain data when it is not a string", () => {
    const read = WebhookEvents.readClientEvent<typeof event>(event)
    expect(read).toEqual(event)
    expect(read).not.toBe(event)
    const data = { deep: [1] }
    const undecryptable = { ...event, _tag: "UndecryptableClientEvent", data } as const
    const copied = WebhookEvents.readClientEvent<typeof undecryptable>(undecryptable)
    expect(copied?.data).toEqual(data)
    expect(copied?.data).not.toBe(data)
  })

  it("is no event for what is not a client event, has no string channel or name, or throws when read", () => {
    const throwing = new Proxy({}, {
      get: () => {
        throw new Error("boom")
      }
    })
    const hostile: ReadonlyArray<unknown> = [
      null,
      42,
      "client-x",
      { _tag: "MemberAdded", channel: "a", event: "e" },
      { ...event, channel: 1 },
      { ...event, event: undefined },
      {
        ...event,
        data: new Proxy({}, {
          ownKeys: () => {
            throw new Error("boom")
          }
        })
      },
      throwing
    ]
    for (const value of hostile) expect(WebhookEvents.readClientEvent(value)).toBeUndefined()
  })
})
