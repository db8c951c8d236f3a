/**
 * The benchmark's stand-in for Channels: a node:http server on 127.0.0.1 that reads each request and
 * answers `{}` (a valid answer to both /events and /batch_events), counting requests (`GET /__requests`). Run by bench.ts as
 * a child process, so that its work is not billed to the client being measured.
 *
 * Latency knob: each answer is held for `latency` ms after the request was read (default 0: at once), set by
 * the first argument or by `GET /__latency?ms=N` (not counted), to stand for a real server's round trip.
 */
import * as Http from "node:http"

let requests = 0
let latency = Number(process.argv[2] ?? 0) || 0
const answer = Buffer.from("{}")
const noop = () => {}

const server = Http.createServer((request, response) => {
  // The clients ask for the count between phases; that question is not counted.
  if (request.url === "/__requests") {
    response.end(String(requests))
    return
  }
  if (request.url?.startsWith("/__latency?ms=") === true) {
    latency = Number(request.url.slice("/__latency?ms=".length)) || 0
    response.end(String(latency))
    return
  }
  requests++
  request.on("data", noop)
  request.on("end", () => {
    const respond = () => {
      response.writeHead(200, { "content-type": "application/json", "content-length": answer.byteLength })
      response.end(answer)
    }
    if (latency > 0) setTimeout(respond, latency)
    else respond()
  })
})
server.keepAliveTimeout = 60_000
server.headersTimeout = 65_000
server.maxRequestsPerSocket = 0

server.listen(0, "127.0.0.1", () => {
  const address = server.address()
  process.send?.({ type: "listening", port: typeof address === "object" && address !== null ? address.port : 0 })
})

// The parent's exit closes the IPC channel: stop with it.
process.on("disconnect", () => {
  server.closeAllConnections()
  server.close()
  process.exit(0)
})
