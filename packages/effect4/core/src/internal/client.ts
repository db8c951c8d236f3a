import * as HttpStatus from "@effect-pusher/protocol/HttpStatus"
import * as ProtocolSigning from "@effect-pusher/protocol/Signing"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import type * as Schema from "effect/Schema"
import type * as SchemaIssue from "effect/SchemaIssue"
import * as SchemaParser from "effect/SchemaParser"
import * as PusherConfig from "../PusherConfig.js"
import * as PusherCrypto from "../PusherCrypto.js"
import { DecodeError, HttpError, type PusherError, TransportError, ValidationError } from "../PusherError.js"
import * as PusherHttpClient from "../PusherHttpClient.js"
import * as Answer from "./answer.js"
import * as ClientMarks from "./clientMarks.js"
import * as Operation from "./operation.js"
import * as Signing from "./signing.js"

/** @internal */
export const libraryHeader = "effect-pusher 0.1.0"

// Requests are derived from templates that already carry the headers: a signed request then costs one
// `setUrl` (and one `setBody`) instead of building method, headers and body from options. Building from
// options → from a template, 1.65–1.72× the signed POSTs built per CPU-second (`pnpm bench:fastpaths
// request`, Node 20): about 0.7 µs of the ~30 µs a trigger costs the client.
const templates = {
  GET: HttpClientRequest.get("", { headers: { "x-pusher-library": libraryHeader } }),
  POST: HttpClientRequest.post("", { headers: { "x-pusher-library": libraryHeader } })
} as const

/** @internal A response decoder, compiled once per operation. */
export type Decoder<A> = (u: unknown) => Result.Result<A, SchemaIssue.Issue>

/** @internal */
export const decoder = <S extends Schema.ConstraintDecoder<unknown>>(schema: S): Decoder<S["Type"]> =>
  SchemaParser.decodeUnknownResult(schema)

/** @internal Everything a signed request needs, read once from the fiber's context. */
export interface RequestContext {
  readonly config: PusherConfig.Service
  readonly crypto: PusherCrypto.Service
  readonly client: HttpClient.HttpClient
}

/**
 * Runs a public operation (see `Operation.operation`: `read` snapshots the caller's input, and only that
 * read is guarded) with the config, the crypto primitives and the HTTP client.
 *
 * @internal
 */
export const requestOperation = <S, A, E, R>(
  name: string,
  read: () => S,
  body: (snapshot: S, request: RequestContext, context: Context.Context<never>) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | ValidationError, R | PusherConfig.PusherConfig | HttpClient.HttpClient> =>
  Operation.operation(name, read, Operation.unreadableInput, (snapshot, context) =>
    body(snapshot, {
      config: Context.get(context as Context.Context<PusherConfig.PusherConfig>, PusherConfig.PusherConfig),
      crypto: Context.get(context, PusherCrypto.PusherCrypto),
      client: Context.get(context as Context.Context<HttpClient.HttpClient>, HttpClient.HttpClient)
    }, context))

const timeoutError = (config: PusherConfig.Service, method: string, path: string) =>
  new TransportError({
    reason: "Timeout",
    method,
    path,
    description: `no complete answer within the configured timeout of ${Duration.format(config.timeout)}`
  })

const mapClientError = (
  config: PusherConfig.Service,
  method: string,
  path: string,
  error: HttpClientError.HttpClientError
): TransportError =>
  // A client that enforces the deadline itself reports its expiry as a TransportError caused by a TimeoutError.
  error.reason._tag === "TransportError" && Cause.isTimeoutError(error.reason.cause)
    ? timeoutError(config, method, path)
    : new TransportError({
      reason: "Network",
      method,
      path,
      description: `${reasonName(error.reason)}: ${error.reason.description ?? causeMessages(error.reason)}`
    })

// The kind of failure as the Effect 3 line names it (`Transport`, `StatusCode`, ...): descriptions read the
// same on both lines.
const reasonName = (reason: HttpClientError.HttpClientErrorReason): string => reason._tag.slice(0, -"Error".length)

// The platform's error is not kept as the cause: it holds the request, whose URL carries the signature, and
// a printed cause adds its stack (undici's or fetch's internals). What it says is kept, in the description:
// fetch's `fetch failed: connect ECONNREFUSED …`, with any signed query cut out.
const causeMessages = (reason: HttpClientError.HttpClientErrorReason): string => {
  const messages: Array<string> = []
  for (let at = reason.cause, depth = 0; at instanceof Error && depth < 4; at = at.cause, depth++) {
    if (at.message !== "") messages.push(at.message.replace(/\?[^\s"'`)]*auth_signature=[^\s"'`)]*/g, "?…"))
  }
  return messages.length > 0 ? messages.join(": ") : "response" in reason ? "response failed" : "request failed"
}

/**
 * Whether the client itself enforces exactly the configured per-request deadline (see
 * `PusherHttpClient.withDeadline`); then no timer of ours is needed, which saves two fibers per request:
 * a timeout per request → the lean client's own deadline, 3.6× the triggers per second over an
 * undici `MockAgent` at concurrency 50 (`pnpm bench:fastpaths trigger`, Node 20; no network, so this is
 * the whole of the client-side cost).
 */
const enforcesDeadline = (client: HttpClient.HttpClient, config: PusherConfig.Service): boolean => {
  const deadline = PusherHttpClient.deadline(client)
  return Option.isSome(deadline) && Duration.toMillis(deadline.value) === Duration.toMillis(config.timeout)
}

/** The failure of a client marked with a deadline that broke the timeout's rule (no request is sent). */
const badDeadline = (client: HttpClient.HttpClient): ValidationError | undefined => {
  const deadline = ClientMarks.get(client).deadline
  return Option.isSome(deadline) && Result.isFailure(deadline.value)
    ? new ValidationError({ field: "PusherHttpClient.withDeadline", rule: deadline.value.failure })
    : undefined
}

/**
 * Sends a signed request and decodes the answer: a non-2xx status, or soketi's 2xx `{"error", "code"}`,
 * becomes an `HttpError`; a body that is not JSON or does not match the schema, a `DecodeError`. The
 * configured timeout bounds it unless `bounded` is `false`: a caller that bounds all the attempts together
 * with a timer of its own (retries) needs no second timer per attempt.
 *
 * @internal
 */
export const send = <A>(
  requestContext: RequestContext,
  method: "GET" | "POST",
  path: string,
  params: ReadonlyArray<readonly [string, string]>,
  body: string | undefined,
  decode: Decoder<A>,
  bounded = true
): Effect.Effect<A, PusherError> =>
  Effect.clockWith((clock) => {
    const { client, config, crypto } = requestContext
    const refused = badDeadline(client)
    if (refused !== undefined) return Effect.fail(refused)
    const fullPath = config.pathPrefix + path
    const timestamp = Math.floor(clock.currentTimeMillisUnsafe() / 1000)
    const query = ProtocolSigning.signedQuery(
      Signing.requestSigner(config, crypto),
      method,
      fullPath,
      params,
      body,
      timestamp
    )
    const url = `${config.baseUrl}${fullPath}?${query}`
    const request = body === undefined
      ? HttpClientRequest.setUrl(templates[method], url)
      : HttpClientRequest.setBody(
        HttpClientRequest.setUrl(templates[method], url),
        HttpBody.text(body, "application/json")
      )
    const exchange = Answer.receive(client, request).pipe(
      Effect.map((answer) =>
        answer._tag === "TooLarge"
          ? Result.fail(tooLargeError(method, path, answer.description))
          : interpret(
            method,
            path,
            answer.response.status,
            answer.text,
            decode,
            answer,
            retryAfter(answer.response, clock.currentTimeMillisUnsafe())
          )
      ),
      Effect.mapError((error) => mapClientError(config, method, path, error)),
      Effect.flatMap(Effect.fromResult)
    )
    return !bounded || enforcesDeadline(client, config)
      ? exchange
      : Effect.timeoutOrElse(exchange, {
        duration: config.timeout,
        orElse: () => Effect.fail(timeoutError(config, method, path))
      })
  })

/** The `retryAfter` field of a 429 or 503 answer's `HttpError`: the headers are only read for those. */
const retryAfter = (
  response: HttpClientResponse.HttpClientResponse,
  now: number
): { readonly retryAfter?: Duration.Duration } => {
  if (response.status !== 429 && response.status !== 503) return {}
  const millis = HttpStatus.retryAfterMillis(response.status, response.headers["retry-after"], now)
  return millis === undefined ? {} : { retryAfter: Duration.millis(millis) }
}

const tooLargeError = (method: string, path: string, description: string) =>
  new TransportError({ reason: "ResponseTooLarge", method, path, description })

const interpret = <A>(
  method: string,
  path: string,
  status: number,
  text: string,
  decode: Decoder<A>,
  length: Answer.Length,
  wait: { readonly retryAfter?: Duration.Duration }
): Result.Result<A, PusherError> => {
  if (!HttpStatus.isSuccess(status)) {
    return Result.fail(
      new HttpError({
        reason: HttpStatus.reasonOf(status),
        method,
        path,
        status,
        ...Answer.errorBody(text, length),
        ...wait
      })
    )
  }
  let json: unknown
  try {
    // An empty 2xx body (a 204, a proxy) carries nothing: it answers like `{}`.
    json = text === "" ? {} : JSON.parse(text)
  } catch {
    return Result.fail(
      new DecodeError({ method, path, status, ...Answer.errorBody(text, length), issue: "the body is not JSON" })
    )
  }
  // soketi answers most errors with 200 and {"error": "...", "code": 4xx}.
  const embedded = HttpStatus.embeddedErrorStatus(json)
  if (embedded !== undefined) {
    return Result.fail(
      new HttpError({
        reason: HttpStatus.reasonOf(embedded),
        method,
        path,
        status: embedded,
        ...Answer.errorBody(text, length)
      })
    )
  }
  const decoded = decode(json)
  return Result.isSuccess(decoded)
    ? Result.succeed(decoded.success)
    : Result.fail(
      new DecodeError({
        method,
        path,
        status,
        ...Answer.errorBody(text, length),
        issue: String(decoded.failure)
      })
    )
}
