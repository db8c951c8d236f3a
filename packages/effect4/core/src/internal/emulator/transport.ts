import * as Encoding from "@effect-pusher/protocol/Encoding"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import type * as Socket from "effect/socket/Socket"
import type * as PusherTest from "../../PusherTest.js"

type Handle = (request: PusherTest.EmulatorRequest) => Effect.Effect<PusherTest.EmulatorAnswer>

/**
 * An HTTP app on Effect 4: the response of the request in context (what `HttpApp.Default` was on Effect 3).
 *
 * @internal
 */
export type HttpApp = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  HttpServerRequest.HttpServerRequest
>

const textDecoder = new TextDecoder()

/**
 * An `HttpClient` that hands each request to the emulator: no sockets, no serialization beyond the body.
 *
 * @internal
 */
export const makeClient = (handle: Handle): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    let body: string
    if (request.body._tag === "Uint8Array") body = textDecoder.decode(request.body.body)
    else if (request.body._tag === "Empty") body = ""
    else {
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.EncodeError({
            request,
            description: `the Pusher emulator reads in-memory bodies only, got a ${request.body._tag} body`
          })
        })
      )
    }
    return Effect.flatMap(
      handle({ method: request.method, url: `${url.pathname}${url.search}`, headers: request.headers, body }),
      (answer) =>
        answer._tag === "Response"
          ? Effect.succeed(
            HttpClientResponse.fromWeb(
              request,
              // With its length, as a real server sends it: the answer is then read whole, not as a stream.
              new Response(answer.body, {
                status: answer.status,
                headers: {
                  "content-type": answer.contentType,
                  "content-length": String(Encoding.utf8Length(answer.body))
                }
              })
            )
          )
          : Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.TransportError({ request, description: answer.description })
            })
          )
    )
  })

/** A WebSocket on `/app/{key}`: the socket's whole life, then an empty answer (the upgrade already replied). */
const upgrade = (
  request: HttpServerRequest.HttpServerRequest,
  acceptSocket: (socket: Socket.Socket, url: string) => Effect.Effect<void>
): Effect.Effect<HttpServerResponse.HttpServerResponse> =>
  request.upgrade.pipe(
    Effect.matchEffect({
      onFailure: () =>
        Effect.succeed(HttpServerResponse.text("Expected a WebSocket upgrade (Channels protocol 7)", { status: 426 })),
      onSuccess: (socket) => Effect.as(acceptSocket(socket, request.url), HttpServerResponse.empty())
    })
  )

/**
 * The emulator as an HTTP app (and, with `acceptSocket`, a Channels WebSocket server on `/app/{key}`);
 * `onTransportFault` answers a `Transport` fault (a server that can drop the connection should).
 *
 * @internal
 */
export const toHttpApp = (
  handle: Handle,
  onTransportFault: (
    request: HttpServerRequest.HttpServerRequest
  ) => Effect.Effect<HttpServerResponse.HttpServerResponse>,
  acceptSocket?: (socket: Socket.Socket, url: string) => Effect.Effect<void>
): HttpApp =>
  Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) =>
      acceptSocket !== undefined && request.url.startsWith("/app/")
        ? upgrade(request, acceptSocket)
        : request.text.pipe(
          Effect.matchEffect({
            onFailure: () =>
              Effect.succeed(HttpServerResponse.text("Could not read the request body", { status: 400 })),
            onSuccess: (body) =>
              Effect.flatMap(
                handle({ method: request.method, url: request.url, headers: request.headers, body }),
                (answer) =>
                  answer._tag === "Response"
                    ? Effect.succeed(
                      HttpServerResponse.text(answer.body, { status: answer.status, contentType: answer.contentType })
                    )
                    : onTransportFault(request)
              )
          })
        )
  )
