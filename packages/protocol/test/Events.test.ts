import { describe, expect, it } from "@effect/vitest"
import * as Events from "../src/Events.js"

const fields = { options: "options", name: "name", data: "data", socketId: "socketId", info: "info" }
const table = Events.triggerOptionKeys
const input = (event: Partial<Events.EventInput>): Events.EventInput => ({
  name: "e",
  socketId: undefined,
  socket_id: undefined,
  info: undefined,
  keys: [],
  ...event
})

describe("checkTriggerChannels", () => {
  it("takes one name or 1 to 100 names, and names the failing one", () => {
    expect(Events.checkTriggerChannels("a")).toEqual({ ok: true, value: { channels: ["a"], encrypted: undefined } })
    expect(Events.checkTriggerChannels(["a", "b"])).toEqual({
      ok: true,
      value: { channels: ["a", "b"], encrypted: undefined }
    })
    expect(Events.checkTriggerChannels([])).toEqual({
      ok: false,
      error: { field: "channels", rule: "must name at least one channel" }
    })
    expect(Events.checkTriggerChannels(Array.from({ length: 101 }, (_, i) => `c${i}`))).toEqual({
      ok: false,
      error: { field: "channels", rule: "must name at most 100 channels, got 101" }
    })
    const bad = Events.checkTriggerChannels(["a", "b c"])
    expect(bad.ok ? undefined : bad.error.field).toBe("channels[1]")
    const single = Events.checkTriggerChannels("b c")
    expect(single.ok ? undefined : single.error.field).toBe("channel")
    expect(Events.checkTriggerChannels(42)).toEqual({
      ok: false,
      error: { field: "channels", rule: "must be a channel name or an array of channel names" }
    })
  })

  it("an encrypted channel is the only one, and is returned to seal with", () => {
    expect(Events.checkTriggerChannels("private-encrypted-x")).toEqual({
      ok: true,
      value: { channels: ["private-encrypted-x"], encrypted: "private-encrypted-x" }
    })
    expect(Events.checkTriggerChannels(["a", "private-encrypted-x"])).toEqual({
      ok: false,
      error: { field: "channels", rule: "a trigger to a private-encrypted- channel must name that one channel only" }
    })
  })
})

describe("checkEvent", () => {
  it("checks keys, then name, then socket id, then info", () => {
    expect(Events.checkEvent(fields, input({}), table)).toEqual({
      ok: true,
      value: { name: "e", socketId: undefined, info: undefined }
    })
    expect(Events.checkEvent(fields, input({ socketId: "1.2", info: ["user_count", "subscription_count"] }), table))
      .toEqual({ ok: true, value: { name: "e", socketId: "1.2", info: "user_count,subscription_count" } })
    const failures = [
      Events.checkEvent(fields, input({ name: "", socketId: "bad", info: ["bad"], keys: ["foo"] }), table),
      Events.checkEvent(fields, input({ name: "", socketId: "bad", info: ["bad"] }), table),
      Events.checkEvent(fields, input({ socketId: "bad", info: ["bad"] }), table),
      Events.checkEvent(fields, input({ socketId: "1.2", info: ["cache"] }), table)
    ].map((result) => result.ok ? undefined : result.error.field)
    expect(failures).toEqual(["options.foo", "name", "socketId", "info[0]"])
  })

  it("takes socket_id as the official spelling of socketId, never both", () => {
    expect(Events.checkEvent(fields, input({ socket_id: "1.2", keys: ["socket_id"] }), table)).toEqual({
      ok: true,
      value: { name: "e", socketId: "1.2", info: undefined }
    })
    const bad = Events.checkEvent(fields, input({ socket_id: "x", keys: ["socket_id"] }), table)
    expect(bad.ok ? undefined : bad.error.field).toBe("options.socket_id")
    expect(Events.checkEvent(fields, input({ socketId: "1.2", socket_id: "1.2" }), table)).toEqual({
      ok: false,
      error: { field: "socketId", rule: "and options.socket_id are two spellings of one setting: give only one" }
    })
  })

  it("names an unknown key, and its replacement when there is one", () => {
    expect(Events.checkEvent(fields, input({ keys: ["socketId", "foo"] }), table)).toEqual({
      ok: false,
      error: { field: "options.foo", rule: "is not a known key (known: socketId, socket_id, info)" }
    })
    expect(Events.checkEvent(fields, input({ keys: ["socketID"] }), table)).toEqual({
      ok: false,
      error: { field: "options.socketID", rule: "is not a known key: use socketId" }
    })
    expect(Events.checkEvent(fields, input({ keys: undefined }), table)).toEqual({
      ok: false,
      error: { field: "options", rule: "must be an object" }
    })
  })
})

describe("bodies", () => {
  const event = { name: "e", data: "{\"a\":1}", socketId: "1.2", info: "user_count" }

  it("the /events body has pusher-http-node's key order, optional keys only when given", () => {
    expect(Events.triggerBody(["a", "b"], event)).toBe(
      `{"name":"e","data":"{\\"a\\":1}","channels":["a","b"],"socket_id":"1.2","info":"user_count"}`
    )
    expect(Events.triggerBody(["a"], { ...event, socketId: undefined, info: undefined })).toBe(
      `{"name":"e","data":"{\\"a\\":1}","channels":["a"]}`
    )
  })

  it("the /batch_events body", () => {
    expect(Events.batchBody([Events.wireEvent("a", event), Events.wireEvent("b", { ...event, info: undefined })]))
      .toBe(
        `{"batch":[{"channel":"a","name":"e","data":"{\\"a\\":1}","socket_id":"1.2","info":"user_count"},` +
          `{"channel":"b","name":"e","data":"{\\"a\\":1}","socket_id":"1.2"}]}`
      )
  })

  it("a user's channel", () => {
    expect(Events.userChannel("ada")).toBe("#server-to-user-ada")
    expect(Events.checkUserId("userId", "..")).toEqual({
      ok: false,
      error: { field: "userId", rule: "must not be . or .. (it is a URL path segment)" }
    })
  })

  it("checkBatchSize", () => {
    expect(Events.checkBatchSize("events", [1])).toBeUndefined()
    expect(Events.checkBatchSize("events", [])?.rule).toBe("must contain at least one event")
    expect(Events.checkBatchSize("events", Array.from({ length: 11 }))?.rule).toBe(
      "must contain at most 10 events, got 11"
    )
    expect(Events.checkBatchSize("events", "x")?.rule).toBe("must be an array of events")
    expect(Events.checkBatchSize("events", Array.from({ length: 11 }), 20)).toBeUndefined()
    expect(Events.checkBatchSize("events", Array.from({ length: 21 }), 20)?.rule).toBe(
      "must contain at most 20 events, got 21"
    )
  })
})
