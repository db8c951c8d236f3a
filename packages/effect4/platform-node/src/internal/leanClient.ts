/**
 * The lean `HttpClient` of `NodePusherHttpClient`: undici's `dispatch` with a handler that collects the
 * whole answer and resumes the waiting fiber once, one timer per request for the deadline, and no span,
 * abort controller or finalization registry per request.
 *
 * What it is worth, from `pnpm bench` (a local node:http server, Node 20, a shared 2-CPU machine; two runs,
 * each the median of 3 rounds): `NodeHttpClient.layerUndici` → this client under the same operations,
 * triggers per second 300–613 → 1,463–1,701 sequential (2.8–4.9×), 1,096–1,100 → 3,348–4,129 at
 * concurrency 50 (3.0–3.8×), 659–670 → 3,427–3,785 at concurrency 200 (5.1–5.7×); client CPU per event
 * 467–491 → 157–174 µs at concurrency 50. Against pusher@5.3.4 that is 0.27–0.71× with the stock client
 * and 1.34–1.96× with this one.
 *
 * @internal
 */
import * as PusherHttpClient from "@effect-pusher/core/PusherHttpClient"
import * as NodeStream from "@effect/platform-node/NodeStream"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Option from "effect/Option"
import type { IncomingHttpHeaders } from "node:http"
import type * as Undici from "undici"
import { emptyBody, LeanResponse } from "./leanResponse.js"

/** @internal */
export interface Settings {
  readonly maxResponseBytes: number
  /** A deadline for the whole exchange, in milliseconds: one timer per request. */
  readonly timeout: number | undefined
  readonly headersTimeout: number | undefined
  readonly bodyTimeout: number | undefined
}

type Resume = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>) => void

/** Collects one answer; called by undici, it resumes the waiting fiber exactly once. */
class Handler implements Undici.Dispatcher.DispatchHandler {
  private controller: Undici.Dispatcher.DispatchController | undefined = undefined
  done = false
  private status = 0
  private headers: IncomingHttpHeaders = {}
  private chunks: Array<Buffer> = []
  private size = 0
  /** The `Content-Length` of an answer refused for it: only its excerpt is read. */
  private declaredTooLarge: number | undefined = undefined
  timer: ReturnType<typeof setTimeout> | undefined = undefined

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly resume: Resume,
    private readonly maxBytes: number
  ) {}

  /** What a refused answer keeps as its excerpt: never more than the limit itself. */
  private get excerptBytes(): number {
    return Math.min(PusherHttpClient.maxErrorBodyBytes, this.maxBytes)
  }

  onRequestStart(controller: Undici.Dispatcher.DispatchController): void {
    this.controller = controller
    // Interrupted while queued behind other requests: never send it.
    if (this.done) controller.abort(new Error("interrupted"))
  }

  onResponseStart(
    controller: Undici.Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders
  ): void {
    this.status = statusCode
    this.headers = headers
    const declared = headers["content-length"]
    if (typeof declared === "string" && Number(declared) > this.maxBytes) {
      // Refused already; its first bytes are still read, for the error to quote what the server said.
      this.declaredTooLarge = Number(declared)
      if (this.excerptBytes === 0) this.tooLarge(controller)
    }
  }

  onResponseData(controller: Undici.Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return
    this.size += chunk.byteLength
    this.chunks.push(chunk)
    if (this.declaredTooLarge === undefined ? this.size > this.maxBytes : this.size >= this.excerptBytes) {
      this.tooLarge(controller)
    }
  }

  onResponseEnd(controller: Undici.Dispatcher.DispatchController): void {
    if (this.done) return
    // A declared length over the limit with a shorter body (a HEAD): refused all the same.
    if (this.declaredTooLarge !== undefined) return this.tooLarge(controller)
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    const chunks = this.chunks
    const body = chunks.length === 0
      ? emptyBody
      : chunks.length === 1
      ? chunks[0]!
      : Buffer.concat(chunks, this.size)
    this.resume(Effect.succeed(new LeanResponse(this.request, this.status, this.headers, body)))
  }

  onResponseError(_controller: Undici.Dispatcher.DispatchController, error: Error): void {
    this.fail(error)
  }

  fail(cause: unknown): void {
    if (this.done) return
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.resume(Effect.fail(transportError(this.request, cause)))
  }

  /** Stops reading: the error's response keeps the status, the headers and the excerpt (a copy). */
  private tooLarge(controller: Undici.Dispatcher.DispatchController): void {
    this.done = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    controller.abort(new Error("response body too large"))
    const excerpt = Math.min(this.size, this.excerptBytes)
    const response = new LeanResponse(
      this.request,
      this.status,
      this.headers,
      excerpt === 0 ? emptyBody : Buffer.concat(this.chunks, excerpt)
    )
    this.chunks = []
    const cause = new PusherHttpClient.ResponseTooLarge({
      maxResponseBytes: this.maxBytes,
      totalLength: this.declaredTooLarge
    })
    this.resume(Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.DecodeError({ request: this.request, response, cause, description: cause.message })
      })
    ))
  }

  /** Called when the fiber is interrupted: the connection is reset, so the server sees the abort. */
  interrupt(): void {
    if (this.done) return
    this.done = true
    this.controller?.abort(new Error("interrupted"))
  }

  timeout(ms: number): void {
    if (this.done) return
    this.done = true
    const cause = new Cause.TimeoutError(`no complete answer within ${ms} ms`)
    this.controller?.abort(cause)
    this.resume(Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.TransportError({ request: this.request, cause, description: cause.message })
      })
    ))
  }
}

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown) =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.TransportError({ request, cause, description: describe(cause) })
  })

const describe = (cause: unknown): string => {
  if (!(cause instanceof Error)) return String(cause)
  // undici wraps socket errors; the innermost message is the useful one (ECONNREFUSED, ECONNRESET, ...).
  const inner = (cause as { cause?: unknown }).cause
  const code = (cause as { code?: unknown }).code
  const message = inner instanceof Error && inner.message !== "" ? inner.message : cause.message
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message
}

type Body = Exclude<Undici.Dispatcher.DispatchOptions["body"], undefined>

const dispatchWith = (
  dispatcher: Undici.Dispatcher,
  settings: Settings,
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  body: Body
) =>
  Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    const handler = new Handler(request, resume, settings.maxResponseBytes)
    const options: Undici.Dispatcher.DispatchOptions = {
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method,
      headers: request.headers,
      body,
      ...(settings.headersTimeout === undefined ? {} : { headersTimeout: settings.headersTimeout }),
      ...(settings.bodyTimeout === undefined ? {} : { bodyTimeout: settings.bodyTimeout })
    }
    try {
      dispatcher.dispatch(options, handler)
    } catch (cause) {
      handler.fail(cause)
    }
    const ms = settings.timeout
    // Node's timers fire at once past 2^31 - 1 ms: such a deadline is no deadline.
    if (ms === undefined || ms > 2_147_483_647 || handler.done) return Effect.sync(() => handler.interrupt())
    const timer = setTimeout(() => handler.timeout(ms), ms)
    handler.timer = timer
    return Effect.sync(() => {
      clearTimeout(timer)
      handler.interrupt()
    })
  })

/** @internal */
export const make = (dispatcher: Undici.Dispatcher, settings: Settings): HttpClient.HttpClient => {
  const send = (
    request: HttpClientRequest.HttpClientRequest
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
    const url = HttpClientRequest.toUrl(request)
    if (Option.isNone(url)) {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.InvalidUrlError({ request, description: "the request's URL is not a valid URL" })
        })
      )
    }
    const body = request.body
    switch (body._tag) {
      case "Empty":
        return dispatchWith(dispatcher, settings, request, url.value, null)
      case "Uint8Array":
        return dispatchWith(dispatcher, settings, request, url.value, body.body)
      case "Raw":
        return dispatchWith(dispatcher, settings, request, url.value, body.body as Body)
      case "FormData":
        return dispatchWith(dispatcher, settings, request, url.value, body.formData as unknown as Body)
      case "Stream":
        return Effect.flatMap(
          NodeStream.toReadable(body.stream),
          (readable) => dispatchWith(dispatcher, settings, request, url.value, readable)
        )
    }
  }
  const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) => Effect.flatMap(effect, send),
    Effect.succeed
  )
  // Tell effect-pusher's operations that this client bounds its answers and enforces the deadline, so they
  // read its answers as they are and add no timer of their own.
  const bounded = PusherHttpClient.withMaxResponseBytes(client, settings.maxResponseBytes)
  return settings.timeout === undefined ? bounded : PusherHttpClient.withDeadline(bounded, settings.timeout)
}
