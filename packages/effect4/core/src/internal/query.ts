import * as Events from "@effect-pusher/protocol/Events"
import * as Json from "@effect-pusher/protocol/Json"
import * as Names from "@effect-pusher/protocol/Names"
import * as Query from "@effect-pusher/protocol/Query"
import type * as HttpClient from "effect/http/HttpClient"
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import type * as PusherConfig from "../PusherConfig.js"
import type { PusherError, ValidationError } from "../PusherError.js"
import * as Client from "./client.js"
import { readList } from "./event.js"
import * as Retry from "./retry.js"
import { toEither, toError } from "./validation.js"

// The query operations (channels, channel, users, terminate, raw get/post): snapshot, checks, request.

/** @internal A checked request: method, path (relative to `/apps/{appId}`), query parameters and body. */
export interface Request {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly params: ReadonlyArray<Query.Param>
  readonly body: string | undefined
}

/**
 * Runs a query operation: `read` snapshots the caller's input (the only guarded step), `check` turns the
 * snapshot into a request, which is sent.
 *
 * @internal
 */
export const operation = <S, A>(
  name: string,
  read: () => S,
  check: (snapshot: S) => Result.Result<Request, ValidationError>,
  decode: Client.Decoder<A>
): Effect.Effect<A, PusherError, PusherConfig.PusherConfig | HttpClient.HttpClient> =>
  Client.requestOperation(name, read, (snapshot, requestContext, context) =>
    Result.match(check(snapshot), {
      onFailure: Effect.fail,
      onSuccess: (request) =>
        Retry.send(
          Retry.policyOf(context),
          requestContext,
          request.method,
          request.path,
          request.params,
          request.body,
          decode
        )
    }))

const fail = (field: string, rule: string): Result.Result<never, ValidationError> =>
  Result.fail(toError({ field, rule }))

const get = (path: string, params: ReadonlyArray<Query.Param>): Request => ({
  method: "GET",
  path,
  params,
  body: undefined
})

/** @internal `keys`: the options' own keys, `undefined` when the options are not an object. */
export interface InfoInput {
  readonly name: unknown
  readonly info: unknown
  readonly keys: ReadonlyArray<string> | undefined
}

/** @internal */
export interface ChannelsInput {
  readonly prefix: unknown
  readonly info: unknown
  readonly keys: ReadonlyArray<string> | undefined
}

/** An option of a bag, read once; a bag that is not an object reads as nothing (its keys check refuses it). */
const option = (bag: unknown, key: string): unknown =>
  typeof bag === "object" && bag !== null ? Reflect.get(bag, key) : undefined

/** @internal */
export const readChannels = (options: unknown): ChannelsInput => ({
  prefix: option(options, "filterByPrefix"),
  info: readList(option(options, "info")),
  keys: Json.keysOf(options)
})

const channelsInfo = ["user_count", "subscription_count"] as const

/** @internal `GET /channels`: `user_count` needs a `presence-` prefix. */
export const channels = (input: ChannelsInput): Result.Result<Request, ValidationError> => {
  const unknownKey = Json.checkKeys("options", input.keys, Query.channelsOptionKeys)
  if (unknownKey !== undefined) return Result.fail(toError(unknownKey))
  const params: Array<Query.Param> = []
  let prefix = ""
  if (input.prefix !== undefined) {
    const failure = Names.checkChannelPrefix("options.filterByPrefix", input.prefix)
    if (failure !== undefined) return Result.fail(toError(failure))
    if (typeof input.prefix === "string") {
      prefix = input.prefix
      params.push(["filter_by_prefix", prefix])
    }
  }
  return Result.flatMap(toEither(Query.checkInfo("options.info", input.info, channelsInfo)), (info) => {
    if (info === undefined) return Result.succeed(get("/channels", params))
    if (info.attributes.includes("user_count") && !Names.isPresence(prefix)) {
      return fail("options.info", "user_count can only be asked for with a filterByPrefix that starts with presence-")
    }
    params.push(["info", info.joined])
    return Result.succeed(get("/channels", params))
  })
}

/** @internal */
export const readChannel = (name: unknown, options: unknown): InfoInput => ({
  name,
  info: readList(option(options, "info")),
  keys: Json.keysOf(options)
})

const channelInfo = ["user_count", "subscription_count", "cache"] as const

/** A channel name that becomes a URL path segment. */
const channelName = (field: string, name: unknown): Result.Result<string, ValidationError> =>
  Result.flatMap(toEither(Events.checkChannel(field, name)), (checked) => {
    const failure = Names.checkPathSegment(field, checked)
    return failure === undefined ? Result.succeed(checked) : Result.fail(toError(failure))
  })

/** @internal `GET /channels/{name}`: `user_count` is for presence channels only. */
export const channel = (input: InfoInput): Result.Result<Request, ValidationError> =>
  Result.flatMap(
    Result.flatMap(
      channelName("name", input.name),
      (name) => {
        const unknownKey = Json.checkKeys("options", input.keys, Query.channelOptionKeys)
        return unknownKey === undefined ? Result.succeed(name) : Result.fail(toError(unknownKey))
      }
    ),
    (name) =>
      Result.flatMap(toEither(Query.checkInfo("options.info", input.info, channelInfo)), (info) => {
        if (info === undefined) return Result.succeed(get(`/channels/${name}`, []))
        if (info.attributes.includes("user_count") && !Names.isPresence(name)) {
          return fail("options.info", "user_count can only be asked for on a presence- channel")
        }
        return Result.succeed(get(`/channels/${name}`, [["info", info.joined]]))
      })
  )

/** @internal `GET /channels/{name}/users`, for a presence channel. */
export const users = (name: unknown): Result.Result<Request, ValidationError> =>
  Result.flatMap(toEither(Events.checkChannel("name", name)), (checked) =>
    Names.isPresence(checked)
      ? Result.succeed(get(`/channels/${checked}/users`, []))
      : fail("name", "must be a presence- channel"))

/** @internal `POST /users/{userId}/terminate_connections`. */
export const terminateUserConnections = (userId: unknown): Result.Result<Request, ValidationError> =>
  Result.map(
    toEither(Events.checkUserId("userId", userId)),
    (id): Request => ({ method: "POST", path: `/users/${id}/terminate_connections`, params: [], body: "{}" })
  )

/** @internal A raw request's input, each read once. */
export interface RawInput {
  readonly path: unknown
  readonly params: unknown
  readonly body: unknown
}

/** @internal The parameters' record is copied (arrays too); anything else is kept as is, for its check. */
export const readRaw = (path: unknown, params: unknown, body: unknown): RawInput => {
  if (!Json.isRecord(params)) return { path, params, body }
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(params)) copy[key] = readList(params[key])
  return { path, params: copy, body }
}

const raw = (input: RawInput): Result.Result<readonly [string, Array<Query.Param>], ValidationError> => {
  const failure = Query.checkPath("path", input.path)
  if (failure !== undefined || typeof input.path !== "string") {
    return Result.fail(toError(failure ?? { field: "path", rule: "must be a string" }))
  }
  const path = input.path
  return Result.map(toEither(Query.checkParams("params", input.params)), (params) => [path, params] as const)
}

/** @internal A raw GET. */
export const rawGet = (input: RawInput): Result.Result<Request, ValidationError> =>
  Result.map(raw(input), ([path, params]) => get(path, params))

/**
 * @internal A raw POST, its body sent as JSON; without a body (`undefined`), an empty POST with no
 * `body_md5`, as pusher-http-node sends one.
 */
export const rawPost = (input: RawInput): Result.Result<Request, ValidationError> =>
  Result.flatMap(
    raw(input),
    ([path, params]) =>
      input.body === undefined
        ? Result.succeed({ method: "POST", path, params, body: undefined })
        : Result.map(
          toEither(Json.toJson("body", input.body)),
          (body): Request => ({ method: "POST", path, params, body })
        )
  )
