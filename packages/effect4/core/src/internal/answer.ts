/**
 * Reading an answer of the Channels API within bounds, whatever the `HttpClient`: a success answer up to
 * `maxResponseBytes`, an error answer only as far as its excerpt, and never a redirect followed.
 */
import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Headers from "@effect-pusher/protocol/Headers"
import * as HttpStatus from "@effect-pusher/protocol/HttpStatus"
import * as Limits from "@effect-pusher/protocol/Limits"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import * as PusherHttpClient from "../PusherHttpClient.js"
import * as Body from "./body.js"

/**
 * What an operation got back: the response (status and headers) and the body's text (whole for a success,
 * at most an excerpt for an error status), or, for a success answer over the limit, only that it was too
 * large.
 *
 * @internal
 */
export type Answer =
  | ({
    readonly _tag: "Body"
    readonly response: HttpClientResponse.HttpClientResponse
    readonly text: string
  } & Length)
  | {
    readonly _tag: "TooLarge"
    readonly response: HttpClientResponse.HttpClientResponse
    readonly description: string
  }

/**
 * What is known of a body's length: declared by `Content-Length` or counted (`totalLength`), or else, when
 * the text is the whole body (`whole`), its own length.
 *
 * @internal
 */
export interface Length {
  readonly totalLength: number | undefined
  readonly whole: boolean
}

const body = (
  response: HttpClientResponse.HttpClientResponse,
  text: string,
  totalLength: number | undefined,
  whole: boolean
): Answer => ({ _tag: "Body", response, text, totalLength, whole })

const tooLarge = (
  response: HttpClientResponse.HttpClientResponse,
  cause: PusherHttpClient.ResponseTooLarge
): Answer => ({
  _tag: "TooLarge",
  response,
  description: cause.message
})

// A signed request is never redirected. Following would send the request, with its signature (good for
// 600 s, so replayable) and its body, to wherever a `Location` points, and a request moved to another path
// no longer matches what was signed anyway. The lean client and `NodeHttpClient` do not follow redirects;
// fetch does unless told otherwise, so a 3xx is one `HttpError` (`UnexpectedStatus`) with every client.
const manual: RequestInit = { redirect: "manual" }

const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.contextWith((context: Context.Context<never>) =>
    Effect.provideService(
      effect,
      FetchHttpClient.RequestInit,
      Option.match(Context.getOption(context, FetchHttpClient.RequestInit), {
        onNone: () => manual,
        onSome: (init) => ({ ...init, ...manual })
      })
    )
  )

// The `Content-Length` counts the body as it is read only when it is not encoded (fetch decompresses).
const plainLength = (response: HttpClientResponse.HttpClientResponse): number | undefined => {
  const encoding = Headers.lookup(response.headers, "content-encoding")
  return encoding === undefined || encoding === "identity" ? Body.declaredLength(response.headers) : undefined
}

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

// In stream mode the decoder holds back a character cut at the end instead of replacing it.
const decodeStart = (bytes: Uint8Array): string => new TextDecoder().decode(bytes, { stream: true })

/** A success answer, read while it stays within `limit` bytes. */
const bounded = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number
): Effect.Effect<Answer, HttpClientError.HttpClientError> => {
  const declared = plainLength(response)
  const refused = () =>
    tooLarge(response, new PusherHttpClient.ResponseTooLarge({ maxResponseBytes: limit, totalLength: declared }))
  if (declared !== undefined) {
    return declared <= limit
      ? Effect.map(response.text, (text) => body(response, text, declared, true))
      // Reading one chunk and stopping releases the answer (fetch would otherwise keep it until collected).
      : Effect.as(Body.collect(response.stream, 0), refused())
  }
  return Effect.map(Body.collect(response.stream, limit), (collected) =>
    collected.size > limit
      ? refused()
      : body(response, decode(Body.concat(collected.chunks, collected.size)), collected.size, true))
}

/** An error answer: its first `Limits.maxErrorBodyBytes`, and then the rest is not read. */
const excerpt = (
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<Answer, HttpClientError.HttpClientError> => {
  const max = Limits.maxErrorBodyBytes
  const declared = plainLength(response)
  if (declared !== undefined && declared <= max) {
    return Effect.map(response.text, (text) => body(response, text, declared, true))
  }
  return Effect.map(Body.collect(response.stream, max), (collected) =>
    collected.size > max
      ? body(response, decodeStart(Body.concat(collected.chunks, max)), declared, false)
      : body(response, decode(Body.concat(collected.chunks, collected.size)), collected.size, true))
}

/** What a client that refused an answer for its size kept of it (see `PusherHttpClient.ResponseTooLarge`). */
const refusedBySize = (
  response: HttpClientResponse.HttpClientResponse,
  cause: PusherHttpClient.ResponseTooLarge
): Effect.Effect<Answer> =>
  HttpStatus.isSuccess(response.status)
    ? Effect.succeed(tooLarge(response, cause))
    // A failed read of the excerpt reads as "": the error is about the size, and says so without it.
    : Effect.map(
      Effect.catch(response.text, () => Effect.succeed("")),
      (text) => body(response, text, cause.totalLength, false)
    )

/**
 * Sends the request and reads its answer within bounds: whole when the client bounds its answers itself
 * (`PusherHttpClient.withMaxResponseBytes`), otherwise up to `PusherHttpClient.defaultMaxResponseBytes` for a
 * success and up to `Limits.maxErrorBodyBytes` for an error status.
 *
 * @internal
 */
export const receive = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<Answer, HttpClientError.HttpClientError> => {
  const boundedByClient = Option.isSome(PusherHttpClient.maxResponseBytes(client))
  // A client that reads its answers itself (the lean client) follows no redirect. Telling fetch not to costs
  // about 10 µs per request (a fiber-local context; `provideService` → plain, 10.4–10.8 → 0.1–0.5 µs per
  // call, Node 20, loaded machine), a tenth of what a trigger costs the lean client: only other clients pay it.
  return (boundedByClient ? client.execute(request) : withoutRedirects(client.execute(request))).pipe(
    Effect.flatMap((response): Effect.Effect<Answer, HttpClientError.HttpClientError> =>
      boundedByClient
        ? Effect.map(response.text, (text) => body(response, text, undefined, true))
        : HttpStatus.isSuccess(response.status)
        ? bounded(response, PusherHttpClient.defaultMaxResponseBytes)
        : excerpt(response)
    ),
    Effect.catch((error) => {
      // A client that bounds its answers refuses one too large with the response and the size as the cause.
      const response = error.response
      return response !== undefined && error.reason.cause instanceof PusherHttpClient.ResponseTooLarge
        ? refusedBySize(response, error.reason.cause)
        : Effect.fail(error)
    })
  )
}

/**
 * What an error keeps of a body: at most its first `Limits.maxErrorBodyBytes` (never splitting a
 * character), and the whole body's length in bytes.
 *
 * @internal
 */
export const errorBody = (
  text: string,
  length: Length
): { readonly body: string; readonly totalLength: number | undefined } => ({
  body: Encoding.utf8Prefix(text, Limits.maxErrorBodyBytes),
  totalLength: length.totalLength ?? (length.whole ? Encoding.utf8Length(text) : undefined)
})
