/**
 * Free loopback ports, asked from the kernel (bind to port 0, read it back, close). Another process could
 * take one in between; on this machine nothing else races for them, and soketi fails loudly if it does.
 */
import * as Dgram from "node:dgram"
import * as Net from "node:net"

export const freeTcpPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

export const freeUdpPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const socket = Dgram.createSocket("udp4")
    socket.once("error", reject)
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address()
      socket.close(() => resolve(port))
    })
  })
