import { AuthRequest, Pusher, PusherConfig } from "@effect-pusher/core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import PusherNode from "pusher"

const config = PusherConfig.layer({ appId: 1, key: "aaaa", secret: "tofu" })
const reference = new PusherNode({ appId: "1", key: "aaaa", secret: "tofu", cluster: "mt1" })
const form = { "content-type": "application/x-www-form-urlencoded" }

describe("AuthRequest", () => {
  it.effect("decodes what pusher-js posts (form), JSON, bytes and already-parsed bodies", () =>
    Effect.gen(function*() {
      const expected = { socketId: "123.456", channelName: "private-a=b,c" }
      // pusher-js: "socket_id=" + encodeURIComponent(id) + "&channel_name=" + encodeURIComponent(channel)
      const posted = `socket_id=123.456&channel_name=${encodeURIComponent("private-a=b,c")}`
      const inputs: ReadonlyArray<AuthRequest.AuthHttpRequest> = [
        { headers: form, body: posted },
        { headers: { "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8" }, body: posted },
        {
          headers: new Headers({ "content-type": "application/json" }),
          body: JSON.stringify({ socket_id: "123.456", channel_name: "private-a=b,c" })
        },
        { body: posted },
        { body: ` {"socket_id":"123.456","channel_name":"private-a=b,c"}` },
        { headers: form, body: new TextEncoder().encode(posted) },
        { body: new URLSearchParams(posted) },
        { body: { socket_id: "123.456", channel_name: "private-a=b,c", extra: "ignored" } }
      ]
      for (const input of inputs) expect(yield* AuthRequest.decodeChannel(input)).toEqual(expected)
      expect(yield* AuthRequest.decodeUser({ headers: form, body: "socket_id=1.2" })).toEqual({ socketId: "1.2" })
    }))

  it.effect.each(
    [
      ["a missing channel_name", { headers: form, body: "socket_id=1.2" }, "channel_name"],
      ["a missing socket_id", { body: { channel_name: "private-a" } }, "socket_id"],
      ["a malformed socket_id", { headers: form, body: "socket_id=1.2%0A&channel_name=private-a" }, "socket_id"],
      ["a repeated field", { headers: form, body: "socket_id=1.2&socket_id=3.4&channel_name=private-a" }, "socket_id"],
      ["a bad channel name", { headers: form, body: "socket_id=1.2&channel_name=private%20a" }, "channel_name"],
      ["a non-string field", { body: { socket_id: 1.2, channel_name: "private-a" } }, "socket_id"],
      ["broken JSON", { headers: { "content-type": "application/json" }, body: "{" }, "body"],
      ["a JSON array", { headers: { "content-type": "application/json" }, body: "[]" }, "body"],
      ["an unsupported content type", { headers: { "content-type": "text/plain" }, body: "x" }, "Content-Type"],
      ["bytes that are not UTF-8", { headers: form, body: new Uint8Array([0xff, 0xfe]) }, "body"]
    ] as const
  )("gives a ValidationError for %s", ([_, input, field]) =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(AuthRequest.decodeChannel(input as AuthRequest.AuthHttpRequest))
      expect(error._tag).toBe("ValidationError")
      expect(error.field).toBe(field)
    }))

  it.effect("authorizes in one line, with presence data looked up only for presence channels", () =>
    Effect.gen(function*() {
      let lookups = 0
      const lookup = () => Effect.sync(() => (lookups++, { user_id: "ada", user_info: { name: "Ada" } }))
      const presence = yield* AuthRequest.authorizeChannel(
        { headers: form, body: "socket_id=1.2&channel_name=presence-room" },
        lookup
      )
      expect(presence).toEqual(
        reference.authorizeChannel("1.2", "presence-room", { user_id: "ada", user_info: { name: "Ada" } })
      )
      const priv = yield* AuthRequest.authorizeChannel({ body: "socket_id=1.2&channel_name=private-room" }, lookup)
      expect(priv).toEqual(reference.authorizeChannel("1.2", "private-room"))
      expect(lookups).toBe(1)
      const signedIn = yield* AuthRequest.authenticateUser({ body: "socket_id=1.2" }, { id: "ada" })
      expect(signedIn).toEqual(reference.authenticateUser("1.2", { id: "ada" }))
      const error = yield* Effect.flip(AuthRequest.authorizeChannel({ body: "socket_id=1.2&channel_name=news" }))
      expect(error._tag === "ValidationError" && error.field).toBe("channel")
    }).pipe(Effect.provide(config)))

  it.effect("reads an effect/http server request", () =>
    Effect.gen(function*() {
      const web = new Request("http://127.0.0.1/pusher/auth", {
        method: "POST",
        headers: form,
        body: "socket_id=1.2&channel_name=private-room"
      })
      const answer = yield* AuthRequest.fromServerRequest.pipe(
        Effect.flatMap((request) => AuthRequest.authorizeChannel(request)),
        Effect.provideService(HttpServerRequest.HttpServerRequest, HttpServerRequest.fromWeb(web))
      )
      expect(answer).toEqual(yield* Pusher.authorizeChannel("1.2", "private-room"))
    }).pipe(Effect.provide(config)))
})
