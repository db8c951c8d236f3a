import { afterAll, beforeAll } from "@effect/vitest"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import PusherNode from "pusher"
import type { Answer } from "./recorder.js"

/** A request as the official library sent it: the bytes on the wire, nothing normalized. */
export interface Received {
  readonly method: string
  /** The path and query, as in the request line. */
  readonly url: string
  readonly body: string
  readonly contentType: string | undefined
}

/** The official library's credentials and options; host, port and scheme are the server's. */
export type OfficialOptions = Omit<PusherNode.Options, "host" | "port" | "useTLS" | "scheme" | "cluster">

export interface OfficialServer {
  readonly port: number
  /** `http://127.0.0.1:<port>`, the base URL both libraries send to. */
  readonly origin: string
  /** Every request so far, oldest first; a test may empty it. */
  readonly received: Array<Received>
  /** What the following requests are answered with (default `200 {}`). */
  answer: Answer
  /** A pusher@5.3.4 client that sends to this server. */
  readonly official: (options: OfficialOptions) => PusherNode
}

/**
 * A node:http server on 127.0.0.1 that records what pusher@5.3.4 sends it: the oracle's side of the
 * differential and interop tests. It listens before the tests of the calling scope (file or `describe`) and
 * closes after them; read `port` and `origin` inside a hook or a test, not while the tests are collected.
 */
export const officialServer = (): OfficialServer => {
  let server: Http.Server | undefined
  let port: number | undefined
  const state: OfficialServer = {
    get port() {
      if (port === undefined) throw new Error("officialServer: read the port inside a hook or a test")
      return port
    },
    get origin() {
      return `http://127.0.0.1:${state.port}`
    },
    received: [],
    answer: {},
    official: (options) => new PusherNode({ ...options, host: "127.0.0.1", port: String(state.port), useTLS: false })
  }
  beforeAll(async () => {
    const listening = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        state.received.push({
          method: request.method ?? "",
          url: request.url ?? "",
          body: Buffer.concat(chunks).toString("utf8"),
          contentType: request.headers["content-type"]
        })
        response.writeHead(state.answer.status ?? 200, { "content-type": "application/json", connection: "close" })
        response.end(state.answer.body ?? "{}")
      })
    })
    server = listening
    await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve))
    port = (listening.address() as AddressInfo).port
  })
  afterAll(async () => {
    const listening = server
    if (listening === undefined) return
    listening.closeAllConnections()
    await new Promise<void>((resolve) => listening.close(() => resolve()))
  })
  return state
}
