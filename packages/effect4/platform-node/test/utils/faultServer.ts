/**
 * A misbehaving Channels API on 127.0.0.1 for tests: error statuses, 429 with `Retry-After`, connection
 * resets, requests never answered, bodies that trickle, 50 MB answers and redirects. The fault for each
 * request comes from `select` (by default the fault set last with `set`); every request is recorded.
 *
 * ```ts
 * const server = yield* FaultServer.serve(FaultServer.faults.serverError)
 * server.set(FaultServer.faults.tooManyRequests(2))
 * ```
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Http from "node:http"
import * as TestServer from "./server.js"

export type Fault =
  /** An answer with this status, headers and body, at once. */
  | {
    readonly _tag: "Answer"
    readonly status: number
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: string
  }
  /** The connection is reset (TCP RST) once the whole request was received: it may have been delivered. */
  | { readonly _tag: "Reset" }
  /** The request is received and never answered (until the server closes). */
  | { readonly _tag: "Never" }
  /** Headers at once, then the body in pieces of `pieceBytes`, one every `intervalMs`. */
  | {
    readonly _tag: "Trickle"
    readonly status: number
    readonly body: string
    readonly pieceBytes: number
    readonly intervalMs: number
  }
  /** A body of `bytes` bytes of `x`, with its `Content-Length` (`declared`) or chunked. */
  | { readonly _tag: "Big"; readonly status: number; readonly bytes: number; readonly declared: boolean }

export const fiftyMegabytes = 50 * 1024 * 1024

const json = { "content-type": "application/json" }
const serverError: Fault = { _tag: "Answer", status: 500, body: "Internal Server Error" }
const badGateway: Fault = {
  _tag: "Answer",
  status: 502,
  headers: { "content-type": "text/html" },
  body: "<h1>502</h1>"
}
const reset: Fault = { _tag: "Reset" }
const never: Fault = { _tag: "Never" }

export const faults = {
  ok: (body = "{}"): Fault => ({ _tag: "Answer", status: 200, headers: json, body }),
  status: (status: number, body = `{"error":"status ${status}"}`): Fault => ({
    _tag: "Answer",
    status,
    headers: json,
    body
  }),
  serverError,
  badGateway,
  unavailable: (retryAfterSeconds?: number): Fault => ({
    _tag: "Answer",
    status: 503,
    headers: retryAfterSeconds === undefined ? {} : { "retry-after": String(retryAfterSeconds) },
    body: "Service Unavailable"
  }),
  tooManyRequests: (retryAfterSeconds: number): Fault => ({
    _tag: "Answer",
    status: 429,
    headers: { "retry-after": String(retryAfterSeconds) },
    body: "Too Many Requests"
  }),
  /** A 302 to `location` (by default a path that records a request, should a client follow it). */
  redirect: (location = "/redirected", status = 302): Fault => ({
    _tag: "Answer",
    status,
    headers: { location },
    body: "moved"
  }),
  reset,
  never,
  trickle: (body: string, intervalMs: number, pieceBytes = 1, status = 200): Fault => ({
    _tag: "Trickle",
    status,
    body,
    pieceBytes,
    intervalMs
  }),
  big: (status: number, declared: boolean, bytes = fiftyMegabytes): Fault => ({ _tag: "Big", status, bytes, declared })
} as const

// One buffer for every big answer, allocated outside any measurement: `end(bytes)` sends a view of it.
let filler: Buffer | undefined
const fill = (bytes: number): Buffer => {
  if (filler === undefined || filler.length < bytes) filler = Buffer.alloc(bytes, "x")
  return filler.subarray(0, bytes)
}

const answer = (fault: Fault, response: Http.ServerResponse): void => {
  switch (fault._tag) {
    case "Answer":
      response.writeHead(fault.status, fault.headers)
      response.end(fault.body ?? "")
      return
    case "Reset":
      response.socket?.resetAndDestroy()
      return
    case "Never":
      return
    case "Trickle": {
      response.writeHead(fault.status, { "content-type": "application/json" })
      let offset = 0
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer)
        const piece = fault.body.slice(offset, offset + fault.pieceBytes)
        offset += fault.pieceBytes
        if (offset >= fault.body.length) {
          clearInterval(timer)
          response.end(piece)
        } else response.write(piece)
      }, fault.intervalMs)
      response.on("close", () => clearInterval(timer))
      return
    }
    case "Big":
      response.writeHead(fault.status, fault.declared ? { "content-length": String(fault.bytes) } : {})
      // A client that stops reading resets the connection; that is expected, not an error of the server.
      response.on("error", () => {})
      response.end(fill(fault.bytes))
      return
  }
}

export interface FaultServer extends TestServer.Server {
  /** Every later request gets `fault` (unless `select` was given). */
  readonly set: (fault: Fault) => void
}

/** Serves `initial` (or `select(request)` for each request) on 127.0.0.1 until the scope closes. */
export const serve = (
  initial: Fault = faults.ok(),
  select?: (seen: TestServer.Seen) => Fault
): Effect.Effect<FaultServer, never, Scope.Scope> => {
  let current = initial
  return Effect.map(
    TestServer.serve((seen, response) => answer(select === undefined ? current : select(seen), response)),
    (server) => ({
      ...server,
      set: (fault: Fault) => {
        current = fault
      }
    })
  )
}
