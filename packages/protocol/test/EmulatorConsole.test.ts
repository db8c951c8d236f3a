import { describe, expect, it } from "@effect/vitest"
import * as EmulatorApi from "../src/EmulatorApi.js"
import * as EmulatorConsoleFeed from "../src/EmulatorConsoleFeed.js"
import * as EmulatorConsolePage from "../src/EmulatorConsolePage.js"
import * as EmulatorLog from "../src/EmulatorLog.js"
import * as EmulatorRecords from "../src/EmulatorRecords.js"
import * as EmulatorState from "../src/EmulatorState.js"
import type { Result } from "../src/Failure.js"

const value = <A>(result: Result<A>): A => {
  if (!result.ok) throw new Error(`${result.error.field}: ${result.error.rule}`)
  return result.value
}

const published = {
  sequence: 4,
  channel: "news",
  name: "tick",
  data: "{\"n\":1}",
  excludedSocketId: undefined,
  recipients: ["1.1"],
  userId: undefined,
  endpoint: "events"
} as const

describe("EmulatorRecords", () => {
  it("an event's data is decoded when it is JSON, kept as sent otherwise; absent fields stay absent", () => {
    const event = EmulatorRecords.event(published, 9)
    expect(event).toEqual({
      sequence: 4,
      channel: "news",
      name: "tick",
      data: { n: 1 },
      rawData: "{\"n\":1}",
      recipients: ["1.1"],
      endpoint: "events",
      timeMillis: 9
    })
    expect("excludedSocketId" in event).toBe(false)
    expect(EmulatorRecords.event({ ...published, data: "not { json", excludedSocketId: "2.2" }, 9)).toMatchObject({
      data: "not { json",
      excludedSocketId: "2.2"
    })
  })

  it("a set of changes sends one signed webhook, none when nothing is reported", () => {
    const { changes } = value(EmulatorState.subscribe(EmulatorState.empty, "presence-r", { user: { id: "u" } }, 0, 1))
    const signed: Array<string> = []
    const webhook = EmulatorRecords.webhook(changes, { subscriptionCountWebhooks: false }, "key", (body) => {
      signed.push(body)
      return "signature"
    }, 7)
    expect(webhook?.headers).toEqual({
      "content-type": "application/json",
      "x-pusher-key": "key",
      "x-pusher-signature": "signature"
    })
    expect(signed).toEqual([webhook?.body])
    expect(JSON.parse(webhook!.body)).toEqual({
      time_ms: 7,
      events: [{ name: "channel_occupied", channel: "presence-r" }, {
        name: "member_added",
        channel: "presence-r",
        user_id: "u"
      }]
    })
    expect(EmulatorRecords.webhook([], { subscriptionCountWebhooks: false }, "key", () => "s", 7)).toBeUndefined()
  })

  it("a request is logged with its path, decoded query and status (none after a transport fault)", () => {
    const received = { method: "POST", url: "http://h/apps/1/events?auth_key=k&info=a%2Cb", headers: {}, body: "{}" }
    expect(EmulatorRecords.request(received, 200, 3)).toEqual({
      method: "POST",
      path: "/apps/1/events",
      query: { auth_key: "k", info: "a,b" },
      headers: {},
      body: "{}",
      status: 200,
      timeMillis: 3
    })
    expect("status" in EmulatorRecords.request(received, undefined, 3)).toBe(false)
  })
})

describe("EmulatorConsoleFeed", () => {
  it("a request row drops the signature parameters and cuts a long body to its limit", () => {
    const row = EmulatorConsoleFeed.fromRequest({
      method: "POST",
      path: "/apps/1/events",
      query: { auth_key: "k", auth_signature: "s", body_md5: "m", info: "user_count" },
      headers: {},
      body: "é".repeat(EmulatorConsoleFeed.limits.textBytes),
      timeMillis: 1
    })
    expect(row.kind === "request" && row.query).toEqual([["info", "user_count"]])
    expect(row.kind === "request" && row.body.truncated).toBe(true)
    expect(row.kind === "request" && new TextEncoder().encode(row.body.text).length).toBeLessThanOrEqual(
      EmulatorConsoleFeed.limits.textBytes
    )
  })

  it("a webhook reports its client events first; a body that is not the wire format shows nothing", () => {
    const body = JSON.stringify({
      time_ms: 5,
      events: [{ name: "client_event", channel: "private-a", event: "client-x", data: "{}", socket_id: "1.1" }]
    })
    expect(EmulatorConsoleFeed.fromWebhook({ headers: {}, body }).map((entry) => entry.kind)).toEqual([
      "client",
      "webhook"
    ])
    expect(EmulatorConsoleFeed.fromWebhook({ headers: {}, body: "[1]" })).toEqual([])
  })

  it("a view lists at most its limit of connections, with the total", () => {
    let state = EmulatorState.empty
    for (let i = 0; i < EmulatorConsoleFeed.limits.connections + 5; i++) {
      state = value(EmulatorState.connect(state, undefined, undefined)).state
    }
    const view = EmulatorConsoleFeed.stateView(state, new Map())
    expect(view.connections.total).toBe(EmulatorConsoleFeed.limits.connections + 5)
    expect(view.connections.shown.length).toBe(EmulatorConsoleFeed.limits.connections)
  })

  it("frames are one data line each, user input cannot start a field; a skip is told before the rows", () => {
    const frame = EmulatorConsoleFeed.frame("log", { text: "a\nevent: forged\r\ndata: x" })
    expect(frame.split("\n").filter((line) => line !== "")).toHaveLength(2)
    const frames = EmulatorConsoleFeed.logFrames(3, [
      EmulatorConsoleFeed.fromEvent(EmulatorRecords.event(published, 1))
    ])
    expect(frames.match(/^event: (\w+)$/gm)).toEqual(["event: skipped", "event: log"])
    expect(EmulatorConsoleFeed.logFrames(0, [])).toBe("")
  })

  it("the snapshot carries the app id and key, never more of the config", () => {
    const app = { appId: "1", key: "k", secret: "never shown" }
    const snapshot = EmulatorConsoleFeed.snapshot(app, EmulatorState.empty, new Map(), {
      requests: [],
      events: [],
      webhooks: []
    })
    expect(snapshot).toContain("{\"app\":{\"appId\":\"1\",\"key\":\"k\"}")
    expect(snapshot).not.toContain("never shown")
  })
})

describe("EmulatorConsolePage", () => {
  it("routes the console's paths, leaves every other one to the app", () => {
    expect(EmulatorConsolePage.route("GET", "/?x=1")).toMatchObject({ _tag: "File", body: EmulatorConsolePage.html })
    expect(EmulatorConsolePage.route("HEAD", "/_console/console.js")).toMatchObject({ body: EmulatorConsolePage.js })
    expect(EmulatorConsolePage.route("GET", "/_console/console.css")).toMatchObject({ body: EmulatorConsolePage.css })
    expect(EmulatorConsolePage.route("GET", "/_console/events")._tag).toBe("Feed")
    expect(EmulatorConsolePage.route("GET", "/_console/other")._tag).toBe("NotFound")
    expect(EmulatorConsolePage.route("POST", "/")._tag).toBe("MethodNotAllowed")
    expect(EmulatorConsolePage.route("POST", "/apps/1/events")._tag).toBe("App")
    expect(EmulatorConsolePage.route("GET", "/app/key?protocol=7")._tag).toBe("App")
  })
})

describe("EmulatorLog", () => {
  it("keeps the newest `limit` entries; positions go on across drops and clears", () => {
    const log = new EmulatorLog.Log<number>(3)
    for (let i = 0; i < 5; i++) log.append(i)
    expect(log.all).toEqual([2, 3, 4])
    expect([log.start, log.end]).toEqual([2, 5])
    expect(log.entryFrom(0)).toEqual([2, 3])
    expect(log.entryFrom(5)).toBeUndefined()
    log.clear()
    expect([log.all, log.start, log.end]).toEqual([[], 5, 5])
  })

  it("hands each entry to one taker, even an entry that is undefined", () => {
    const log = new EmulatorLog.Log<number | undefined>()
    log.append(undefined)
    log.append(1)
    expect(log.takeNow(() => true)).toEqual({ value: undefined })
    expect(log.takeNow((n) => n === 1)).toEqual({ value: 1 })
    expect(log.takeNow(() => true)).toBeUndefined()
  })

  it("a reader far behind takes the newest `keep` entries and is told how many it skipped", () => {
    const log = new EmulatorLog.Log<number>()
    for (let i = 0; i < 10; i++) log.append(i)
    expect(log.batchFrom(2, 3)).toEqual([{ skipped: 5, entries: [7, 8, 9] }, 10])
    expect(log.batchFrom(10, 3)).toBeUndefined()
  })

  it("a waiting reader is asked after each append until it has what it waited for, or forgotten", () => {
    const log = new EmulatorLog.Log<number>()
    const seen: Array<number> = []
    log.wait(() => {
      seen.push(log.end)
      return log.end >= 2
    })
    const forget = log.wait(() => false)
    expect(log.waiting).toBe(2)
    log.append(0)
    log.append(1)
    log.append(2)
    expect(seen).toEqual([1, 2])
    forget()
    expect(log.waiting).toBe(0)
  })
})

describe("EmulatorLog.Signal", () => {
  it("wakes each waiting reader once per notify; a forgotten reader is not woken", () => {
    const signal = new EmulatorLog.Signal()
    const woken: Array<string> = []
    signal.wait(() => woken.push(`a${signal.current}`))
    const forget = signal.wait(() => woken.push("b"))
    forget()
    signal.notify()
    signal.notify()
    expect(woken).toEqual(["a1"])
    expect([signal.current, signal.waiting]).toEqual([2, 0])
  })
})

describe("EmulatorApi faults", () => {
  it("a fault answers its status, a malformed body or a dropped connection; its count and status are checked", () => {
    expect(EmulatorApi.faultAnswer({ _tag: "Status", status: 503 })).toEqual({
      _tag: "Response",
      status: 503,
      contentType: "text/plain; charset=utf-8",
      body: EmulatorApi.statusText(503)
    })
    expect(EmulatorApi.faultAnswer({ _tag: "MalformedBody" })).toMatchObject({ status: 200, body: "{\"channels\":" })
    expect(EmulatorApi.faultAnswer({ _tag: "Transport", description: "gone" })).toEqual({
      _tag: "TransportFault",
      description: "gone"
    })
    expect(EmulatorApi.checkFault({ _tag: "Transport" }, 10_000)).toBeUndefined()
    expect(EmulatorApi.checkFault({ _tag: "Transport" }, 0)?.field).toBe("times")
    expect(EmulatorApi.checkFault({ _tag: "Transport" }, 1.5)?.field).toBe("times")
    expect(EmulatorApi.checkFault({ _tag: "Status", status: 302 }, 1)?.field).toBe("fault.status")
  })
})
