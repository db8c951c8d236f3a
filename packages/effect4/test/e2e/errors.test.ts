/**
 * soketi answers refusals with HTTP 200 and a `{"error", "code"}` body; the library must still fail with
 * the right typed error. soketi's limits for this app are set below the library's, so each refusal is
 * tested twice: once by soketi (the library lets it through) and once by the library itself, before I/O.
 */
import { Pusher, PusherConfig, PusherError } from "@effect-pusher/core"
import { expect, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import { E2E, layer as e2e, profile } from "./harness/environment.js"

/** Runs `effect` with an HttpClient that records the raw status of every answer. */
const withStatuses = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const statuses: Array<number> = []
    const exit = yield* effect.pipe(
      Effect.provideServiceEffect(
        HttpClient.HttpClient,
        Effect.map(HttpClient.HttpClient, (client) =>
          HttpClient.tap(client, (response) => Effect.sync(() => statuses.push(response.status))))
      ),
      Effect.flip
    )
    return { error: exit, statuses }
  })

const expectHttpError = (
  error: unknown,
  expected: { readonly reason: PusherError.HttpErrorReason; readonly status: number; readonly body: RegExp }
) => {
  expect(error).toBeInstanceOf(PusherError.HttpError)
  const httpError = error as PusherError.HttpError
  expect(httpError.reason).toBe(expected.reason)
  expect(httpError.status).toBe(expected.status)
  expect(httpError.body).toMatch(expected.body)
}

const expectValidationError = (error: unknown, field: string, rule: RegExp) => {
  expect(error).toBeInstanceOf(PusherError.ValidationError)
  expect((error as PusherError.ValidationError).field).toBe(field)
  expect((error as PusherError.ValidationError).rule).toMatch(rule)
}

const channelList = (count: number) => Array.from({ length: count }, (_, i) => `limit-${i}`)

layer(e2e, { timeout: "30 seconds", excludeTestServices: true })("errors", (it) => {
  it.effect("a bad signature is Unauthorized", () =>
    Effect.gen(function*() {
      const { config } = yield* E2E
      const wrong = yield* PusherConfig.make({
        appId: config.appId,
        key: config.key,
        secret: "not-the-secret",
        host: config.host,
        port: config.port,
        useTLS: false
      })
      const { error, statuses } = yield* withStatuses(
        Pusher.trigger("signed", "e", {}).pipe(Effect.provideService(PusherConfig.PusherConfig, wrong))
      )
      expectHttpError(error, { reason: "Unauthorized", status: 401, body: /signature|auth/i })
      expect(statuses).toEqual([profile.refusalStatus(401)])
      const channelsAnswer = yield* withStatuses(
        Pusher.channels().pipe(Effect.provideService(PusherConfig.PusherConfig, wrong))
      )
      expectHttpError(channelsAnswer.error, { reason: "Unauthorized", status: 401, body: /signature|auth/i })
    }))

  it.effect("too many channels: soketi's BadRequest, and the library's own limit", () =>
    Effect.gen(function*() {
      // The local server has Channels' own limit, which the library checks first: only soketi's is lower.
      if (profile.limits.channels !== undefined) {
        const { error, statuses } = yield* withStatuses(
          Pusher.trigger(channelList(profile.limits.channels + 1), "e", {})
        )
        expectHttpError(error, { reason: "BadRequest", status: 400, body: profile.bodies.tooManyChannels })
        expect(statuses).toEqual([profile.refusalStatus(400)])
      }
      const local = yield* withStatuses(Pusher.trigger(channelList(101), "e", {}))
      expectValidationError(local.error, "channels", /at most 100/)
      expect(local.statuses).toEqual([])
    }))

  it.effect("too large a payload: soketi's PayloadTooLarge, and the library's own limit", () =>
    Effect.gen(function*() {
      const data = "x".repeat(profile.limits.payloadKb * 1024 + 100)
      const { error, statuses } = yield* withStatuses(Pusher.trigger("big", "e", data))
      expectHttpError(error, { reason: "PayloadTooLarge", status: 413, body: profile.bodies.payloadTooLarge })
      expect(statuses).toEqual([profile.refusalStatus(413)])
      const batch = yield* withStatuses(Pusher.triggerBatch([{ channel: "big", name: "e", data }]))
      expectHttpError(batch.error, { reason: "PayloadTooLarge", status: 413, body: profile.bodies.payloadTooLarge })
      const local = yield* withStatuses(Pusher.trigger("big", "e", "x".repeat(10_241)))
      expectValidationError(local.error, "data", /at most 10240 bytes/)
      expect(local.statuses).toEqual([])
    }))

  it.effect("too long an event name: soketi's BadRequest, and the library's own limit", () =>
    Effect.gen(function*() {
      if (profile.limits.eventNameLength !== undefined) {
        const { error, statuses } = yield* withStatuses(
          Pusher.trigger("named", "e".repeat(profile.limits.eventNameLength + 1), {})
        )
        expectHttpError(error, { reason: "BadRequest", status: 400, body: profile.bodies.eventNameTooLong })
        expect(statuses).toEqual([profile.refusalStatus(400)])
      }
      const local = yield* withStatuses(Pusher.trigger("named", "e".repeat(201), {}))
      expectValidationError(local.error, "event", /at most 200/)
      expect(local.statuses).toEqual([])
    }))

  it.effect("users of a non-presence channel: soketi's BadRequest through a raw GET", () =>
    Effect.gen(function*() {
      const { error } = yield* withStatuses(Pusher.get("/channels/not-presence/users"))
      expectHttpError(error, { reason: "BadRequest", status: 400, body: /presence/ })
      const local = yield* withStatuses(Pusher.users("not-presence"))
      expectValidationError(local.error, "name", /presence/)
      expect(local.statuses).toEqual([])
    }))
})
