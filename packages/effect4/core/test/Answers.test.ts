/**
 * How operations read answers, whatever the client (issue 13 §5): bounded success answers, excerpts of
 * error answers with their total length, refusals for size, and no redirect followed. The clients here are
 * fakes (fetch through `FetchHttpClient` with a fake `fetch`, and `HttpClient.make`); the same faults over
 * real sockets, with the lean and the stock Node clients, are in platform-node's `Faults.test.ts`.
 */
import { Pusher, PusherConfig, PusherError, PusherHttpClient } from "@effect-pusher/core"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

const config = PusherConfig.layer({ appId: "1", key: "k", secret: "s" })

interface Sent {
  readonly url: string
  readonly init: RequestInit | undefined
}

/** FetchHttpClient over a fake `fetch` answering `respond()`; records what it was given. */
const fakeFetch = (respond: () => Response, init?: RequestInit) => {
  const sent: Array<Sent> = []
  const fetch: typeof globalThis.fetch = (input, requestInit) => {
    sent.push({ url: String(input), init: requestInit })
    return Promise.resolve(respond())
  }
  const layer = Layer.mergeAll(
    config,
    FetchHttpClient.layer,
    Layer.succeed(FetchHttpClient.Fetch, fetch),
    init === undefined ? Layer.empty : Layer.succeed(FetchHttpClient.RequestInit, init)
  )
  return { sent, layer }
}

/** A body streamed in pieces, without a `Content-Length`. */
const streamed = (pieces: ReadonlyArray<Uint8Array>) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece)
      controller.close()
    }
  })

const encoder = new TextEncoder()

describe("answers", () => {
  it.effect("fetch is told not to follow redirects, keeping the rest of a RequestInit provided", () =>
    Effect.gen(function*() {
      const plain = fakeFetch(() => new Response("moved", { status: 302, headers: { location: "/elsewhere" } }))
      const error = yield* Effect.flip(Pusher.trigger("c", "e", "d").pipe(Effect.provide(plain.layer)))
      expect(error).toMatchObject({ _tag: "HttpError", reason: "UnexpectedStatus", status: 302, body: "moved" })
      expect(plain.sent.map((sent) => sent.init?.redirect)).toStrictEqual(["manual"])

      const custom = fakeFetch(() => new Response("{}"), { redirect: "follow", keepalive: true })
      yield* Pusher.trigger("c", "e", "d").pipe(Effect.provide(custom.layer))
      expect(custom.sent.map((sent) => [sent.init?.redirect, sent.init?.keepalive])).toStrictEqual([["manual", true]])
    }))

  it.effect("an error answer keeps its first 4 KiB, cut between characters, and its declared length", () =>
    Effect.gen(function*() {
      const text = "é".repeat(3000) // 6,000 bytes
      const declared = fakeFetch(() =>
        new Response(text, { status: 500, headers: { "content-length": String(encoder.encode(text).length) } })
      )
      const chunked = fakeFetch(() => new Response(streamed([encoder.encode(text)]), { status: 500 }))
      const expected = "é".repeat(Limits.maxErrorBodyBytes / 2)
      const first = yield* Effect.flip(Pusher.channels().pipe(Effect.provide(declared.layer)))
      expect(first).toMatchObject({ _tag: "HttpError", status: 500, body: expected, totalLength: 6000 })
      // Without a Content-Length the rest is not read, so the whole length is not known.
      const second = yield* Effect.flip(Pusher.channels().pipe(Effect.provide(chunked.layer)))
      expect(second).toMatchObject({ _tag: "HttpError", status: 500, body: expected })
      expect(second._tag === "HttpError" && second.totalLength).toBeUndefined()
      // A character split across pieces at the cut is left out, never half-decoded.
      const odd = fakeFetch(() =>
        new Response(streamed([encoder.encode(`a${"é".repeat(2047)}`), encoder.encode("é".repeat(10))]), {
          status: 503
        })
      )
      const third = yield* Effect.flip(Pusher.channels().pipe(Effect.provide(odd.layer)))
      expect(third).toMatchObject({ _tag: "HttpError", body: `a${"é".repeat(2047)}` })
    }))

  it.effect("a short error answer is kept whole with its length counted, as is a short undecodable one", () =>
    Effect.gen(function*() {
      const short = fakeFetch(() =>
        new Response(streamed([encoder.encode("no "), encoder.encode("way")]), { status: 403 })
      )
      const refused = yield* Effect.flip(Pusher.channels().pipe(Effect.provide(short.layer)))
      expect(refused).toMatchObject({ _tag: "HttpError", reason: "Forbidden", body: "no way", totalLength: 6 })
      const html = fakeFetch(() => new Response("<html>ü</html>"))
      const undecodable = yield* Effect.flip(Pusher.channels().pipe(Effect.provide(html.layer)))
      expect(undecodable).toMatchObject({ _tag: "DecodeError", body: "<html>ü</html>", totalLength: 15 })
    }))

  it.effect("a success answer over 16 MiB is refused for its size, declared or as it streams", () =>
    Effect.gen(function*() {
      const limit = PusherHttpClient.defaultMaxResponseBytes
      expect(limit).toBe(16 * 1024 * 1024)
      const declared = fakeFetch(() =>
        new Response(streamed([encoder.encode("{}")]), { headers: { "content-length": String(limit + 1) } })
      )
      const piece = new Uint8Array(1024 * 1024).fill(32)
      let pulled = 0
      const endless = fakeFetch(() =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulled++
              controller.enqueue(piece)
            }
          })
        )
      )
      for (const { layer } of [declared, endless]) {
        const error = yield* Effect.flip(Pusher.channels().pipe(Effect.provide(layer)))
        expect(error).toBeInstanceOf(PusherError.TransportError)
        expect(error).toMatchObject({ _tag: "TransportError", reason: "ResponseTooLarge" })
        expect(error.message).toContain("answer too large: the response body is larger than maxResponseBytes")
      }
      // Reading stopped at the first piece past the limit (the stream may have queued one or two more).
      expect(pulled).toBeLessThanOrEqual(17 + 3)
    }))

  it.effect("a Content-Length of an encoded body is not its length: the body is read as it streams", () =>
    Effect.gen(function*() {
      const encoded = fakeFetch(() =>
        new Response(`{"channels":{"a":{}}}`, { headers: { "content-length": "1", "content-encoding": "gzip" } })
      )
      expect(yield* Pusher.channels().pipe(Effect.provide(encoded.layer))).toStrictEqual({ channels: { a: {} } })
    }))

  it.effect("a client's own refusal for size (ResponseTooLarge) is the same error as the operations' own", () =>
    Effect.gen(function*() {
      const refusing = (status: number) =>
        PusherHttpClient.withMaxResponseBytes(
          HttpClient.make((request) =>
            Effect.fail(
              new HttpClientError.HttpClientError({
                reason: new HttpClientError.DecodeError({
                  request,
                  response: HttpClientResponse.fromWeb(request, new Response("partial", { status })),
                  cause: new PusherHttpClient.ResponseTooLarge({ maxResponseBytes: 100, totalLength: 5000 })
                })
              })
            )
          ),
          100
        )
      const run = (status: number) =>
        Effect.flip(
          Pusher.channels().pipe(
            Effect.provide(Layer.merge(config, Layer.succeed(HttpClient.HttpClient, refusing(status))))
          )
        )
      expect(yield* run(200)).toMatchObject({
        _tag: "TransportError",
        reason: "ResponseTooLarge",
        description: "the response body is larger than maxResponseBytes (100): 5000 bytes declared"
      })
      expect(yield* run(500)).toMatchObject({
        _tag: "HttpError",
        reason: "ServerError",
        status: 500,
        body: "partial",
        totalLength: 5000
      })
    }))

  it("withMaxResponseBytes and withDeadline keep each other's marks; a derived client has none", () => {
    const client = HttpClient.make(() => Effect.never)
    const both = client.pipe(PusherHttpClient.withMaxResponseBytes(1000), PusherHttpClient.withDeadline("1 second"))
    expect(PusherHttpClient.maxResponseBytes(both)).toStrictEqual(Option.some(1000))
    expect(PusherHttpClient.deadline(both)).toStrictEqual(Option.some(Duration.seconds(1)))
    const other = PusherHttpClient.withMaxResponseBytes(both, 5)
    expect([PusherHttpClient.maxResponseBytes(other), PusherHttpClient.deadline(other)])
      .toStrictEqual([Option.some(5), Option.some(Duration.seconds(1))])
    expect(PusherHttpClient.maxResponseBytes(both)).toStrictEqual(Option.some(1000))
    expect(Option.isNone(PusherHttpClient.maxResponseBytes(client))).toBe(true)
    expect(Option.isNone(PusherHttpClient.maxResponseBytes(HttpClient.mapRequest(both, (r) => r)))).toBe(true)
  })
})
