/**
 * Stopping to read a refused request's upload once its answer is written.
 *
 * `@effect/platform-node` 4.1 leaves a request it stopped reading alone until the answer is written; then, for
 * an answer with `Connection: close` (the endpoints' 401/413/415 given before the body's end), it ends the
 * connection and destroys it only after a grace period (500 ms), so that the answer is not lost to a reset.
 * Meanwhile the socket keeps reading the client's upload: a 256 KiB webhook limit read 424 KiB of a 100 MiB
 * upload. Pausing the socket once it is being closed stops that (296 KiB, under the limit + one 64 KiB read)
 * and leaves the answer and the closing as they are.
 */
import type * as Http from "node:http"

/** @internal */
export const stopReadingWhenClosed = (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
  // Runs after the server's own `finish` listener, which it prepends: by then it has ended a closing connection.
  response.once("finish", () => {
    if (!request.complete && request.socket.writableEnded) request.socket.pause()
  })
}
