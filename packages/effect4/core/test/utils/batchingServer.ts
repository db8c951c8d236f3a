import { PusherBatching, PusherConfig } from "@effect-pusher/core"
import type * as Events from "@effect-pusher/protocol/Events"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"

/** An answer with its Content-Length, as a server sends it (operations then read it whole, not as a stream). */
const answered = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-length": String(new TextEncoder().encode(body).length) } })

export type WireEvent = Events.WireEvent

export interface Sent {
  readonly path: string
  readonly body: { readonly batch?: ReadonlyArray<WireEvent> } & Record<string, unknown>
}

export interface Reply {
  readonly status?: number
  readonly body?: string
  readonly delay?: Duration.Input
  /** The connection is reset once the request was received (it may have been delivered). */
  readonly reset?: boolean
}

/** A fake Channels API: records each request, answers with `reply`, counts requests in flight. */
export const makeServer = (reply: (sent: Sent) => Reply = () => ({})) => {
  const sent: Array<Sent> = []
  const stats = { inFlight: 0, maxInFlight: 0 }
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const text = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : "{}"
      const entry: Sent = { path: url.pathname, body: JSON.parse(text) }
      sent.push(entry)
      const answer = reply(entry)
      stats.inFlight++
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight)
      const respond = answer.reset === true
        ? Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, cause: new Error("ECONNRESET") })
          })
        )
        : Effect.sync(() => HttpClientResponse.fromWeb(request, answered(answer.body ?? "{}", answer.status ?? 200)))
      return (answer.delay === undefined ? respond : Effect.andThen(Effect.sleep(answer.delay), respond)).pipe(
        Effect.ensuring(Effect.sync(() => stats.inFlight--))
      )
    })
  )
  return { sent, stats, client: Layer.succeed(HttpClient.HttpClient, client) }
}

export const config = PusherConfig.layer({ appId: 1, key: "key", secret: "secret" })

export const withBatching = (
  server: ReturnType<typeof makeServer>,
  options?: PusherBatching.Options,
  configLayer: Layer.Layer<PusherConfig.PusherConfig, unknown> = config
) => PusherBatching.layer(options).pipe(Layer.provideMerge(Layer.merge(configLayer, server.client)))

/** Every event sent, batched or not, as `{ channel, name, data, ... }`. */
export const events = (server: ReturnType<typeof makeServer>): Array<WireEvent> =>
  server.sent.flatMap((s): Array<WireEvent> =>
    s.body.batch !== undefined
      ? [...s.body.batch]
      : [{
        channel: String((s.body.channels as Array<string>)[0]),
        name: String(s.body.name),
        data: String(s.body.data)
      }]
  )

/** How often an event was delivered after a later one of its channel (`i` going down): 0 when each channel kept its order. */
export const inversions = (delivered: Iterable<{ readonly channel: string; readonly i: number }>): number => {
  let count = 0
  const last = new Map<string, number>()
  for (const { channel, i } of delivered) {
    if ((last.get(channel) ?? -1) > i) count++
    last.set(channel, i)
  }
  return count
}

/**
 * Lets forked fibers run until `condition` holds (at most 10,000 scheduler turns), then checks it. Effect 3's
 * `TestClock.adjust` first waited for every fiber of the test to suspend; Effect 4's gives them one scheduler turn,
 * fewer than a trigger takes to reach the server through the batcher (queue, flusher, request fiber).
 */
export const waitFor = (condition: () => boolean): Effect.Effect<void> =>
  Effect.gen(function*() {
    for (let i = 0; i < 10_000 && !condition(); i++) yield* Effect.yieldNow
    if (!condition()) return yield* Effect.die(new Error("the condition did not hold within 10,000 scheduler turns"))
  })
