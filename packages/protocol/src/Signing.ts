/**
 * Request signing (SPEC §2), channel authorization and user authentication signatures (SPEC §3). The
 * cryptography is passed in as plain functions, so each runtime brings its fastest HMAC.
 *
 * @since 0.1.0
 */
import { encodeValue, needsEncoding as needsEncodingText, type Param } from "./Query.js"

/**
 * HMAC-SHA256 of a UTF-8 message with the app secret, as lowercase hex.
 *
 * @since 0.1.0
 * @category models
 */
export type Sign = (message: string) => string

/**
 * What signing a request needs: the app key, the signer of its secret and an MD5 of the body.
 *
 * @since 0.1.0
 * @category models
 */
export interface RequestSigner {
  readonly key: string
  readonly sign: Sign
  /** Lowercase hex MD5 of the UTF-8 bytes of a body. */
  readonly md5Hex: (body: string) => string
}

/**
 * The query as signed: pairs sorted by key in JavaScript string order, joined unencoded. Sorts `pairs` in
 * place.
 *
 * @since 0.1.0
 * @category signing
 */
export const canonicalQuery = (pairs: Array<Param>): string =>
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join("&")

/**
 * The string a request signature covers: method, path and sorted query, one per line.
 *
 * @since 0.1.0
 * @category signing
 */
export const stringToSign = (method: string, fullPath: string, query: string): string =>
  `${method}\n${fullPath}\n${query}`

/** Whether some key or value must be percent-encoded on the wire (most requests have none). */
const needsEncoding = (pairs: ReadonlyArray<Param>): boolean =>
  pairs.some(([key, value]) => needsEncodingText(key) || needsEncodingText(value))

/**
 * The signed query string of SPEC §2: `auth_*` and `body_md5` plus the caller's parameters, sorted by key,
 * then `&auth_signature=`. `fullPath` starts with `/apps/{appId}`. The signature covers the pairs joined
 * unencoded (as Channels decodes them); the string returned, which goes on the wire, has each key and value
 * percent-encoded by `Query.encodeValue` — the same string whenever no parameter needs encoding.
 *
 * @since 0.1.0
 * @category signing
 */
export const signedQuery = (
  signer: RequestSigner,
  method: "GET" | "POST",
  fullPath: string,
  params: ReadonlyArray<Param>,
  body: string | undefined,
  timestampSeconds: number
): string => {
  let query: string
  let wire: string | undefined
  const base = `auth_key=${signer.key}&auth_timestamp=${timestampSeconds}&auth_version=1.0`
  const md5 = body === undefined || body === "" ? undefined : signer.md5Hex(body)
  if (params.length === 0) {
    // The fixed keys are already in order.
    query = md5 === undefined ? base : `${base}&body_md5=${md5}`
  } else {
    const all: Array<Param> = [
      ["auth_key", signer.key],
      ["auth_timestamp", String(timestampSeconds)],
      ["auth_version", "1.0"],
      ...params
    ]
    if (md5 !== undefined) all.push(["body_md5", md5])
    query = canonicalQuery(all)
    if (needsEncoding(params)) wire = all.map(([k, v]) => `${encodeValue(k)}=${encodeValue(v)}`).join("&")
  }
  return `${wire ?? query}&auth_signature=${signer.sign(stringToSign(method, fullPath, query))}`
}

/**
 * The authorization of SPEC §3 for a socket and a channel (and the exact channel data string, if any):
 * `key:hex(HMAC-SHA256(secret, socketId:channel[:channelData]))`.
 *
 * @since 0.1.0
 * @category authorization
 */
export const channelAuth = (
  key: string,
  sign: Sign,
  socketId: string,
  channel: string,
  channelData: string | undefined
): string =>
  `${key}:${sign(channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`)}`

/**
 * The user authentication of SPEC §3: `key:hex(HMAC-SHA256(secret, socketId::user::userData))`.
 *
 * @since 0.1.0
 * @category authorization
 */
export const userAuth = (key: string, sign: Sign, socketId: string, userData: string): string =>
  `${key}:${sign(`${socketId}::user::${userData}`)}`
