import * as Http from "node:http"
import * as Net from "node:net"

/** What a hostile client offers to upload: 100 MiB, in 64 KiB chunks. */
export const total = 100 * 1024 * 1024
const chunk = new Uint8Array(64 * 1024).fill(0x61)

export interface Upload {
  readonly status: number
  /** What arrived of the answer, up to its blank line at least. */
  readonly answer: string
  /** Milliseconds from the connection to the first byte of the answer. */
  readonly ms: number
  /** The body bytes the client had handed to its socket when the answer arrived. */
  readonly sentBeforeAnswer: number
  /** The bytes the server read from the connection, request head included. */
  readonly serverRead: number
  /** The length of the request head. */
  readonly head: number
}

export interface Target {
  readonly port: number
  /**
   * POSTs up to 100 MiB (chunked, or with a Content-Length of 100 MiB) as fast as the connection takes it,
   * and stops as soon as the answer's head is in (or the connection fails): the answer arrived before the
   * upload ended iff fewer than 100 MiB were sent. Fails when no answer came.
   */
  readonly upload: (path: string, headers: Readonly<Record<string, string>>, chunked: boolean) => Promise<Upload>
  readonly close: () => Promise<void>
}

/**
 * Serves `handler` on a node:http server on 127.0.0.1 that counts the bytes it reads from each connection,
 * for uploads from raw sockets (`fetch` cannot stop uploading when the answer arrives).
 */
export const serve = async (handler: Http.RequestListener): Promise<Target> => {
  const server = Http.createServer(handler)
  // Bytes read from each connection, by the client's port, recorded when it closes. An entry is taken out
  // when it is read: a later connection from the same port (ports are reused) must wait for its own count.
  const bytesRead = new Map<number, number>()
  server.on("connection", (socket) => {
    const remotePort = socket.remotePort ?? 0
    socket.on("close", () => bytesRead.set(remotePort, socket.bytesRead))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0

  const upload = (path: string, headers: Readonly<Record<string, string>>, chunked: boolean): Promise<Upload> =>
    new Promise((resolve, reject) => {
      const socket = Net.connect(port, "127.0.0.1")
      let answer = ""
      let start = 0
      let ms: number | undefined
      let sent = 0
      let sentBeforeAnswer: number | undefined
      let head = 0
      let localPort = 0
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")
      const framing = chunked ? "transfer-encoding: chunked\r\n" : `content-length: ${total}\r\n`
      const pump = () => {
        while (sentBeforeAnswer === undefined && sent < total && !socket.destroyed) {
          sent += chunk.length
          const more = chunked
            ? socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write("\r\n")
            : socket.write(chunk)
          if (!more) return void socket.once("drain", pump)
        }
      }
      socket.on("connect", () => {
        localPort = socket.localPort ?? 0
        // A count left by an earlier connection from this port (one that no upload read) is not ours.
        bytesRead.delete(localPort)
        start = performance.now()
        const requestHead = `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n${lines}${framing}\r\n`
        head = requestHead.length
        socket.write(requestHead)
        pump()
      })
      socket.on("data", (data: Buffer) => {
        ms ??= performance.now() - start
        sentBeforeAnswer ??= sent
        answer += data.toString("latin1")
        // The answer is in: stop uploading, so the connection ends whatever the server does with it.
        if (answer.includes("\r\n\r\n")) socket.end()
      })
      // The server closes the connection after a 413; writes past that point fail, which is expected.
      socket.on("error", () => undefined)
      socket.on("close", () => {
        // The server's side of the connection closes at about the same time: wait for its count.
        const settle = () => {
          const serverRead = bytesRead.get(localPort)
          if (serverRead === undefined) return void setImmediate(settle)
          bytesRead.delete(localPort)
          const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)
          if (status === 0 || ms === undefined) return reject(new Error(`no answer after ${sent} bytes`))
          resolve({ status, answer, ms, sentBeforeAnswer: sentBeforeAnswer ?? sent, serverRead, head })
        }
        settle()
      })
    })

  const close = async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  return { port, upload, close }
}
