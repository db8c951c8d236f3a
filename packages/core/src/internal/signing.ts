import * as Redacted from "effect/Redacted"
import type * as PusherConfig from "../PusherConfig.js"
import type * as PusherCrypto from "../PusherCrypto.js"

type Sign = (message: string) => string

// One prepared HMAC key per (config, crypto) pair: preparing it costs more than signing.
const cache = new WeakMap<PusherConfig.Service, { crypto: PusherCrypto.Service; sign: Sign }>()

/** @internal */
export const signer = (config: PusherConfig.Service, crypto: PusherCrypto.Service): Sign => {
  const cached = cache.get(config)
  if (cached !== undefined && cached.crypto === crypto) return cached.sign
  const sign = crypto.hmacSha256Hex(Redacted.value(config.secret))
  cache.set(config, { crypto, sign })
  return sign
}

/**
 * Builds the signed query string of SPEC §2: `auth_*` and `body_md5` plus the caller's parameters, sorted
 * by key in JavaScript string order, joined unencoded, then `&auth_signature=`.
 *
 * @internal
 */
export const signedQuery = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  method: "GET" | "POST",
  fullPath: string,
  params: ReadonlyArray<readonly [string, string]>,
  body: string | undefined,
  timestampSeconds: number
): string => {
  let query: string
  const base = `auth_key=${config.key}&auth_timestamp=${timestampSeconds}&auth_version=1.0`
  const md5 = body === undefined || body === "" ? undefined : crypto.md5Hex(body)
  if (params.length === 0) {
    // The fixed keys are already in order.
    query = md5 === undefined ? base : `${base}&body_md5=${md5}`
  } else {
    const all: Array<readonly [string, string]> = [
      ["auth_key", config.key],
      ["auth_timestamp", String(timestampSeconds)],
      ["auth_version", "1.0"],
      ...params
    ]
    if (md5 !== undefined) all.push(["body_md5", md5])
    query = canonicalQuery(all)
  }
  const signature = signer(config, crypto)(stringToSign(method, fullPath, query))
  return `${query}&auth_signature=${signature}`
}

/**
 * The query as signed: pairs sorted by key in JavaScript string order, joined unencoded. Sorts `pairs` in
 * place.
 *
 * @internal
 */
export const canonicalQuery = (pairs: Array<readonly [string, string]>): string =>
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join("&")

/** @internal */
export const stringToSign = (method: string, fullPath: string, query: string): string =>
  `${method}\n${fullPath}\n${query}`

/**
 * The signature of SPEC §3 for a socket and a channel (and the exact channel data string, if any):
 * `key:hex(HMAC-SHA256(secret, socketId:channel[:channelData]))`.
 *
 * @internal
 */
export const channelSignature = (
  config: PusherConfig.Service,
  crypto: PusherCrypto.Service,
  socketId: string,
  channelName: string,
  channelData: string | undefined
): string => {
  const message = channelData === undefined ? `${socketId}:${channelName}` : `${socketId}:${channelName}:${channelData}`
  return `${config.key}:${signer(config, crypto)(message)}`
}
