/**
 * Reading a request body under a limit, for the endpoints: a body that declares a larger `Content-Length`
 * is refused before a byte of it is read, one that streams past the limit as soon as it does, and the
 * chunks are kept in an array and joined once (linear in the body, not quadratic).
 */
import * as Headers from "@effect-pusher/protocol/Headers"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as Channel from "effect/Channel"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/**
 * The body is over `limit` bytes: by its `Content-Length` (`declared`), or as it streamed.
 *
 * @internal
 */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{
  readonly limit: number
  readonly declared: number | undefined
}> {}

/**
 * The body could not be read (the client went away, the stream failed).
 *
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an error without fields
export class BodyUnreadable extends Data.TaggedError("BodyUnreadable")<{}> {}

/**
 * An endpoint's default limit, never above the server's `HttpIncomingMessage.MaxBodySize` when one is set
 * (`NodeHttpServer` sets 10 MiB): the server's bound holds for what we read too.
 *
 * @internal
 */
export const underServerLimit = (fallback: number): Effect.Effect<number> =>
  Effect.map(HttpIncomingMessage.MaxBodySize, (server) => server === undefined ? fallback : Math.min(fallback, Number(server)))

/**
 * The `Content-Length` of a message. Only digits: a `Content-Length` of `1e9` or `-1` is not one, and the
 * stream decides.
 *
 * @internal
 */
export const declaredLength = (headers: HttpServerRequest.HttpServerRequest["headers"]): number | undefined => {
  const value = Headers.lookup(headers, "content-length")
  return typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : undefined
}

/** @internal The first `size` bytes of the chunks, joined (the chunk itself when there is one). */
export const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1 && chunks[0] !== undefined && chunks[0].length === size) return chunks[0]
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    if (offset + chunk.length > size) {
      out.set(chunk.subarray(0, size - offset), offset)
      break
    }
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

/** @internal The chunks read so far and their total size. */
export interface Collected {
  readonly chunks: Array<Uint8Array>
  size: number
}

/**
 * Reads a stream while at most `limit` bytes have come: it stops at the first chunk past the limit (then
 * `size > limit`) or at the end of the stream. Stopping early closes the stream.
 *
 * @internal
 */
export const collect = <E, R>(
  stream: Stream.Stream<Uint8Array, E, R>,
  limit: number
): Effect.Effect<Collected, E, R> => {
  const collected: Collected = { chunks: [], size: 0 }
  // Chunk by chunk, stopping (and so closing the stream) at the first chunk past the limit. No per-chunk
  // effect is built: the answer of each step is one of two constant effects.
  return Effect.as(
    Channel.runForEachWhile(Stream.toChannel(stream), (input: ReadonlyArray<Uint8Array>) => {
      for (const chunk of input) {
        collected.chunks.push(chunk)
        collected.size += chunk.length
        if (collected.size > limit) return stop
      }
      return more
    }),
    collected
  )
}

const more = Effect.succeed(true)
const stop = Effect.succeed(false)

/**
 * The request's body, at most `limit` bytes of it. Reading stops at the first chunk past the limit; the
 * endpoint then answers 413 with `Connection: close`, so the server does not read the rest either.
 *
 * @internal
 */
export const read = (
  request: HttpServerRequest.HttpServerRequest,
  limit: number
): Effect.Effect<Uint8Array, BodyTooLarge | BodyUnreadable> => {
  const declared = declaredLength(request.headers)
  if (declared !== undefined && declared > limit) return Effect.fail(new BodyTooLarge({ limit, declared }))
  return collect(request.stream, limit).pipe(
    Effect.mapError(() => new BodyUnreadable()),
    Effect.flatMap((collected) =>
      collected.size > limit
        ? Effect.fail(new BodyTooLarge({ limit, declared: undefined }))
        : Effect.succeed(concat(collected.chunks, collected.size))
    )
  )
}
