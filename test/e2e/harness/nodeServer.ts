/**
 * Minimal node:http servers on 127.0.0.1 with a free port, closed (connections included) by `close`. Effect-free:
 * both lines' harnesses (test/e2e for Effect 3, packages/effect4/test/e2e for Effect 4) serve through these.
 */
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

/** Serves a Node `(req, res)` handler on 127.0.0.1; `close` destroys the open connections, then closes. */
export const serve = (handler: Http.RequestListener): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = Http.createServer(handler)
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

/** Serves `handle`, which gets each request with its whole body (at most 1 MiB) as a string. */
export const listen = (handle: (request: Request) => Promise<Response>): Promise<Server> =>
  serve((req, res) => {
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
