import { describe, expect, it } from "@effect/vitest"
import * as Crypto from "node:crypto"
import * as EmulatorApi from "../src/EmulatorApi.js"
import * as EmulatorRest from "../src/EmulatorRest.js"
import * as EmulatorState from "../src/EmulatorState.js"
import * as Signing from "../src/Signing.js"

const app: EmulatorRest.App = {
  appId: "1",
  key: "key",
  sign: (message) => Crypto.createHmac("sha256", "secret").update(message).digest("hex"),
  md5Hex: (body) => Crypto.createHash("md5").update(body).digest("hex"),
  timingSafeEqual: (a, b) => a === b,
  maxPayloadBytes: 10_240,
  cacheTtlSeconds: 1800
}

const now = 1_700_000_000_000

const signed = (method: "GET" | "POST", path: string, body = "", params: Array<readonly [string, string]> = []) => ({
  method,
  url: `${path}?${Signing.signedQuery(app, method, path, params, body, now / 1000)}`,
  body
})

const respond = (request: EmulatorRest.Request, state = EmulatorState.empty) =>
  EmulatorRest.respond(state, app, request, now)

describe("EmulatorApi", () => {
  it("parseTarget keeps the path as sent and decodes the query", () => {
    expect(EmulatorApi.parseTarget("/apps/1/events?a=b%20c+d&e")).toEqual({
      path: "/apps/1/events",
      query: new Map([["a", "b c d"], ["e", ""]])
    })
    expect(EmulatorApi.parseTarget("http://h:1/apps/1/x/%2E%2E#frag").path).toBe("/apps/1/x/%2E%2E")
    expect(EmulatorApi.parseTarget("/apps/1/events?a=%ZZ").query).toBeUndefined()
  })

  it("route matches the six operations and nothing else", () => {
    const routed = (method: string, rest: string) => {
      const result = EmulatorApi.route(method, `/apps/1${rest}`)
      return result.ok ? result.value : result.error.status
    }
    expect(routed("POST", "/events")).toEqual({ _tag: "Trigger" })
    expect(routed("post", "/batch_events")).toEqual({ _tag: "Batch" })
    expect(routed("GET", "/channels")).toEqual({ _tag: "Channels" })
    expect(routed("GET", "/channels/a%40b")).toEqual({ _tag: "Channel", name: "a@b" })
    expect(routed("GET", "/channels/p/users")).toEqual({ _tag: "Users", name: "p" })
    expect(routed("POST", "/users/u/terminate_connections")).toEqual({ _tag: "Terminate", userId: "u" })
    expect(routed("POST", "/channels")).toBe(404)
    expect(routed("GET", "/channels/%E0")).toBe(400)
    expect(EmulatorApi.checkApp("1", "/apps/2/events")?.status).toBe(404)
    expect(EmulatorApi.checkApp("1", "/other")?.status).toBe(404)
  })

  it("authenticate accepts the signer's own query and refuses every edit", () => {
    const body = "{\"name\":\"e\",\"data\":\"d\",\"channel\":\"c\"}"
    const check = (url: string, sentBody = body, at = now) => {
      const { path, query } = EmulatorApi.parseTarget(url)
      return EmulatorApi.authenticate(app, "POST", path, query ?? new Map(), sentBody, at)?.body
    }
    const { url } = signed("POST", "/apps/1/events", body)
    expect(check(url)).toBeUndefined()
    expect(check(url, body.replace("d", "x"))).toContain("Invalid body_md5")
    expect(check(url, body, now + 601_000)).toContain("Timestamp expired")
    expect(check(url.replace("auth_key=key", "auth_key=other"))).toBe("Unknown auth_key other")
    expect(check(`${url}&info=x`)).toContain("Invalid signature")
    expect(check(url.replace(/&auth_signature=.*/, ""))).toBe("Missing auth_signature")
    expect(check(url.replace(/&body_md5=[^&]*/, ""))).toContain("Missing body_md5")
  })

  it("checkTrigger and checkBatch say which field breaks which rule", () => {
    const triggered = (body: unknown) => {
      const result = EmulatorApi.checkTrigger(JSON.stringify(body), 10)
      return result.ok ? result.value : [result.error.status, result.error.body]
    }
    const refusal = (body: unknown) => {
      const result = EmulatorApi.checkTrigger(JSON.stringify(body), 10)
      return result.ok ? expect.unreachable("accepted") : result.error
    }
    expect(triggered({ name: "e", data: "d", channels: ["a", "a"], socket_id: "1.2", info: "user_count" })).toEqual({
      name: "e",
      data: "d",
      channels: ["a", "a"],
      socketId: "1.2",
      info: new Set(["user_count"])
    })
    expect(triggered({ name: "e", data: "d" })).toEqual([400, "Invalid channels: must name at least one channel"])
    expect(triggered({ name: "e", data: 1, channel: "a" })).toEqual([400, "Invalid data: must be a string"])
    expect(refusal({ name: "e", data: "d", channels: ["a", "private-encrypted-b"] }).body)
      .toContain("private-encrypted- channel must be triggered alone")
    expect(refusal({ name: "e", data: "d", channel: "#server-to-user-.." }).body).toContain("user id")
    expect(refusal({ name: "e", data: "d".repeat(11), channel: "a" }).status).toBe(413)
    const batched = (batch: unknown) => {
      const result = EmulatorApi.checkBatch(JSON.stringify({ batch }), 10)
      return result.ok ? result.value.length : result.error.body
    }
    expect(batched([{ name: "e", data: "d", channel: "a" }])).toBe(1)
    expect(batched([])).toContain("at least one")
    expect(batched([1])).toBe("Invalid batch[0]: must be an event object")
    expect(batched([{ name: "e", data: "d", channel: "a", socket_id: "x" }])).toContain("batch[0].socket_id")
  })
})

describe("EmulatorRest", () => {
  it("publishes a trigger once per channel and answers the info asked for", () => {
    const state = EmulatorState.subscribe(EmulatorState.empty, "c", { socketId: "1.1" }, 0, 1)
    const before = state.ok ? state.value.state : EmulatorState.empty
    const body = JSON.stringify({ name: "e", data: "d", channels: ["c", "c", "x"], info: "subscription_count" })
    const outcome = respond(signed("POST", "/apps/1/events", body), before)
    expect(outcome.reply.body).toBe(
      "{\"channels\":{\"c\":{\"subscription_count\":1},\"x\":{\"subscription_count\":0}}}"
    )
    expect(outcome.published.map((p) => [p.sequence, p.channel, p.endpoint, p.recipients])).toEqual([
      [0, "c", "events", ["1.1"]],
      [1, "x", "events", []]
    ])
    expect(outcome.state.nextSequence).toBe(2)
  })

  it("a refused request changes nothing", () => {
    const body = JSON.stringify({
      batch: [{ name: "e", data: "d", channel: "a" }, { name: "", data: "d", channel: "b" }]
    })
    const outcome = respond(signed("POST", "/apps/1/batch_events", body))
    expect([outcome.reply.status, outcome.published, outcome.state]).toEqual([400, [], EmulatorState.empty])
    expect(respond({ ...signed("GET", "/apps/1/channels"), method: "POST" }).reply.status).toBe(401)
    expect(respond(signed("GET", "/apps/1/nothing")).reply.status).toBe(404)
    expect(respond({ method: "GET", url: "/apps/1/channels?x=%ZZ", body: "" }).reply.status).toBe(400)
  })

  it("answers queries and terminates a user's connections", () => {
    const connected = EmulatorState.connect(EmulatorState.empty, "1.1", "alice")
    const state = connected.ok ? connected.value.state : EmulatorState.empty
    const outcome = respond(signed("POST", "/apps/1/users/alice/terminate_connections"), state)
    expect([outcome.reply.body, outcome.terminated]).toEqual(["{}", { userId: "alice", socketIds: ["1.1"] }])
    expect(outcome.state.connections.size).toBe(0)
    const users = respond(signed("GET", "/apps/1/channels/public/users"))
    expect([users.reply.status, users.reply.body]).toEqual([
      400,
      "Invalid channel name: must be a presence- channel to list its users"
    ])
    const channels = respond(signed("GET", "/apps/1/channels", "", [["filter_by_prefix", "presence-"]]))
    expect(JSON.parse(channels.reply.body)).toEqual({ channels: {} })
  })
})
