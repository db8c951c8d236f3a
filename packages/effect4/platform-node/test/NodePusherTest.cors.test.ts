/**
 * CORS on the served emulator's REST API: browser code on another local port (a dev server) can call it.
 * `fetch` sends what a browser sends (`Origin`, and the preflight's `Access-Control-Request-*`).
 */
import { PusherTest } from "@effect-pusher/core"
import { NodePusherTest } from "@effect-pusher/platform-node"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import PusherNode from "pusher"

const origin = "http://localhost:5173"

const call = (url: string, init: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, headers: response.headers, body: await response.text() }
  })

describe("NodePusherTest CORS", () => {
  it.live("answers the preflight of a REST call from any origin, without reaching the emulator", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      const preflight = yield* call(`${served.url}/apps/123456/events?auth_key=test-key`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type,x-pusher-library"
        }
      })
      expect(preflight.status).toBe(204)
      expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith("access-control-"))))
        .toEqual({
          "access-control-allow-origin": "*",
          "access-control-allow-methods": "GET, POST",
          "access-control-allow-headers": "content-type,x-pusher-library",
          "access-control-max-age": "600"
        })
      expect(yield* emulator.requests).toEqual([])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("lets the browser read every answer of the REST API: a trigger, a refusal", () =>
    Effect.gen(function*() {
      const emulator = yield* PusherTest.PusherTest
      const served = yield* NodePusherTest.serve()
      const official = new PusherNode({ ...served.pusherOptions })
      const path = "/apps/123456/events"
      const body = JSON.stringify({ name: "greet", channels: ["news"], data: "{}" })
      const query = official.createSignedQueryString({ method: "POST", path, body })
      const trigger = yield* call(`${served.url}${path}?${query}`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body
      })
      expect([trigger.status, trigger.headers.get("access-control-allow-origin")]).toEqual([200, "*"])
      expect((yield* emulator.takeEvent()).name).toBe("greet")

      const refused = yield* call(`${served.url}${path}?auth_key=test-key`, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body
      })
      expect([refused.status, refused.headers.get("access-control-allow-origin")]).toEqual([401, "*"])
    }).pipe(Effect.provide(PusherTest.layer())))

  it.live("leaves other paths alone: no CORS header outside /apps/", () =>
    Effect.gen(function*() {
      const served = yield* NodePusherTest.serve()
      const other = yield* call(`${served.url}/elsewhere`, { method: "OPTIONS", headers: { origin } })
      expect(other.status).not.toBe(204)
      expect(other.headers.get("access-control-allow-origin")).toBeNull()
    }).pipe(Effect.provide(PusherTest.layer())))
})
