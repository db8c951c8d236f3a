/**
 * The response of the lean client (see `leanClient.ts`): an answer already read whole into memory.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "effect/http/Headers"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as IncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
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
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedText: string | undefined = undefined
  private cachedHeaders: Headers.Headers | undefined = undefined
  private cachedCookies: Cookies.Cookies | undefined = undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly body: Buffer
  ) {
    super()
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders)
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.rawHeaders["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown, description?: string): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause,
      ...(description === undefined ? {} : { description })
    })
  }

  private textValue(): string {
    return this.cachedText ??= this.body.toString("utf8")
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return Effect.succeed(this.textValue())
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    const text = this.textValue()
    if (text === "") return Effect.succeed(null)
    try {
      return Effect.succeed(JSON.parse(text) as unknown)
    } catch (cause) {
      return Effect.fail(this.decodeError(cause))
    }
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    try {
      return Effect.succeed(UrlParams.fromInput(new URLSearchParams(this.textValue())))
    } catch (cause) {
      return Effect.fail(this.decodeError(cause))
    }
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    // A copy, so that the caller owns a whole ArrayBuffer and not a view into undici's pooled memory.
    const copy = new ArrayBuffer(this.body.byteLength)
    new Uint8Array(copy).set(this.body)
    return Effect.succeed(copy)
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.body.byteLength === 0 ? Stream.empty : Stream.succeed(new Uint8Array(this.body))
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    const contentType = this.rawHeaders["content-type"]
    return Effect.tryPromise({
      try: () =>
        new Response(new Uint8Array(this.body), {
          headers: contentType === undefined ? {} : { "content-type": contentType }
        }).formData(),
      catch: (cause) => this.decodeError(cause)
    })
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "effect/http/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
