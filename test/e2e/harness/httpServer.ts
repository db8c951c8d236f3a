/**
 * A minimal node:http server on 127.0.0.1 with a free port, closed (connections included) by `close`.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type * as Net from "node:net"

export interface Request {
  readonly method: string
  readonly path: string
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

export interface Response {
  readonly status: number
  readonly body: string
  readonly contentType?: string
}

export interface Server {
  readonly url: string
  readonly close: () => Promise<void>
}

const maxBody = 1_048_576

export const listen = (handle: (request: Request) => Promise<Response>): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = Http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      let size = 0
      req.on("data", (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBody) req.destroy()
        else chunks.push(chunk)
      })
      req.on("end", () => {
        const request: Request = {
          method: req.method ?? "GET",
          path: (req.url ?? "/").split("?")[0]!,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8")
        }
        handle(request).then(
          (response) => {
            res.writeHead(response.status, { "content-type": response.contentType ?? "application/json" })
            res.end(response.body)
          },
          (error: unknown) => {
            res.writeHead(500, { "content-type": "text/plain" })
            res.end(String(error))
          }
        )
      })
    })
    const sockets = new Set<Net.Socket>()
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    })
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          })
      })
    })
  })

/** Serves a Node `(req, res)` handler on 127.0.0.1 until the scope closes; returns its base URL. */
export const serveHandler = (
  handler: Http.RequestListener
): Effect.Effect<string, never, Scope.Scope> =>
  Effect.gen(function*() {
    const server = Http.createServer(handler)
    const sockets = new Set<Net.Socket>()
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.once("close", () => sockets.delete(socket))
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    return `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`
  })
