/**
 * The response of the lean client (see `leanClient.ts`): an answer already read whole into memory.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as IncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import { type Pipeable, pipeArguments } from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { IncomingHttpHeaders } from "node:http"

/** @internal */
export const emptyBody = Buffer.alloc(0)

/**
 * The whole answer, read into memory before `execute` succeeds: every body accessor is then a plain
 * value, with no promise, fiber or memoized deferred per response.
 *
 * @internal
 */
export class LeanResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: typeof IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedText: string | undefined = undefined
  private cachedHeaders: Headers.Headers | undefined = undefined
  private cachedCookies: Cookies.Cookies | undefined = undefined
  // On the prototype (below), as Effect's own responses have it: a method cannot declare `Pipeable`'s overloads.
  declare readonly pipe: Pipeable["pipe"]

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly body: Buffer
  ) {
    super()
  }

  /** The URL asked for (this client follows no redirect), without its hash; computed only when read. */
  get url(): string {
    const url = HttpClientRequest.toUrl(this.request)
    if (Option.isNone(url)) return ""
    url.value.hash = ""
    return url.value.href
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders)
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.rawHeaders["set-cookie"]
    return this.cachedCookies = header === undefined ? Cookies.empty : Cookies.fromSetCookie(header)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.HttpClientError {
    return new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({ request: this.request, response: this, cause })
    })
  }

  private textValue(): string {
    return this.cachedText ??= this.body.toString("utf8")
  }

  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    return Effect.succeed(this.textValue())
  }

  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    const text = this.textValue()
    if (text === "") return Effect.succeed(null)
    try {
      return Effect.succeed(JSON.parse(text) as Schema.Json)
    } catch (cause) {
      return Effect.fail(this.decodeError(cause))
    }
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    try {
      return Effect.succeed(UrlParams.fromInput(new URLSearchParams(this.textValue())))
    } catch (cause) {
      return Effect.fail(this.decodeError(cause))
    }
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    // A copy, so that the caller owns a whole ArrayBuffer and not a view into undici's pooled memory.
    const copy = new ArrayBuffer(this.body.byteLength)
    new Uint8Array(copy).set(this.body)
    return Effect.succeed(copy)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    return this.body.byteLength === 0 ? Stream.empty : Stream.succeed(new Uint8Array(this.body))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    const contentType = this.rawHeaders["content-type"]
    return Effect.tryPromise({
      try: () =>
        new Response(new Uint8Array(this.body), {
          headers: contentType === undefined ? {} : { "content-type": contentType }
        }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }

  /** The connection is not handed over: the answer was read whole, as for any status but 101. */
  get upgrade(): Effect.Effect<never, HttpClientError.HttpClientError> {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "the lean client reads every answer whole and hands over no connection"
        })
      })
    )
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

Object.defineProperty(LeanResponse.prototype, "pipe", {
  value(this: LeanResponse) {
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }
})
