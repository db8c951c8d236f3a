/**
 * Keeping a refused request's connection open until its answer is written.
 *
 * `@effect/platform-node` destroys the request when a reader stops before the end of the body, and that
 * destroys the socket: an endpoint that stops reading at its body limit would reset the connection before
 * its 413 is written. Until the response is done, destroying the request only stops reading it (the socket
 * is paused, so the client is held back by TCP); the request is destroyed once the response is closed, and
 * the 413's `Connection: close` makes Node close the connection after it.
 */
import type * as Http from "node:http"

/** @internal */
export const deferDestroy = (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
  const destroy = request.destroy.bind(request)
  let deferred = false
  request.destroy = (error?: Error) => {
    if (response.writableFinished || response.destroyed) return destroy(error)
    if (!deferred) {
      deferred = true
      request.pause()
      response.once("close", () => destroy(error))
    }
    return request
  }
}
