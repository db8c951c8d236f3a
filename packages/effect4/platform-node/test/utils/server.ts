import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"

export interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

export interface Server {
  readonly port: number
  readonly origin: string
  readonly seen: Array<Seen>
  /** TCP connections accepted so far. */
  readonly connections: () => number
  /** TCP connections closed so far. */
  readonly closed: () => number
  /** Requests whose connection closed before the answer was sent. */
  readonly aborted: () => number
}

export type Reply = (seen: Seen, response: Http.ServerResponse) => void

/** A node:http server on 127.0.0.1, closed with the scope. */
export const serve = (reply: Reply): Effect.Effect<Server, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<{ server: Http.Server; value: Server }>((resume) => {
      const seen: Array<Seen> = []
      let connections = 0
      let closed = 0
      let aborted = 0
      const server = Http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          const entry = {
            method: request.method ?? "",
            url: request.url ?? "",
            headers: request.headers,
            body: Buffer.concat(chunks).toString("utf8")
          }
          seen.push(entry)
          response.on("close", () => {
            if (!response.writableFinished) aborted++
          })
          reply(entry, response)
        })
      })
      server.on("connection", (socket) => {
        connections++
        socket.on("close", () => closed++)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address() as { port: number }
        resume(Effect.succeed({
          server,
          value: {
            port: address.port,
            origin: `http://127.0.0.1:${address.port}`,
            seen,
            connections: () => connections,
            closed: () => closed,
            aborted: () => aborted
          }
        }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ value }) => value))
