/**
 * The `PUSHER_URL` form of an app's configuration: `http[s]://KEY:SECRET@HOST[:PORT]/apps/APP_ID`.
 *
 * @since 0.1.0
 */
import { err, ok, type Result } from "./Failure.js"

/**
 * The parts of a Pusher URL. The secret is plain here: wrap it at once.
 *
 * @since 0.1.0
 * @category models
 */
export interface Parts {
  readonly appId: string
  readonly key: string
  readonly secret: string
  readonly host: string
  readonly useTLS: boolean
  readonly port?: number
}

/**
 * The shape every Pusher URL must have, as said in errors.
 *
 * @since 0.1.0
 * @category constants
 */
export const rule = "must look like https://KEY:SECRET@HOST[:PORT]/apps/APP_ID"

/**
 * Parses a Pusher URL. The failure is a rule that never repeats the URL, since it holds the secret.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: unknown): Result<Parts, string> => {
  if (typeof text !== "string" || !URL.canParse(text)) return err(`${rule} (not a URL)`)
  const parsed = new URL(text)
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return err(`${rule} (scheme must be http or https)`)
  }
  if (parsed.username === "" || parsed.password === "") return err(`${rule} (missing key or secret)`)
  const match = /^\/apps\/([^/]+)\/?$/.exec(parsed.pathname)
  if (match === null || parsed.search !== "" || parsed.hash !== "") {
    return err(`${rule} (the path must be /apps/APP_ID)`)
  }
  let key: string
  let secret: string
  try {
    key = decodeURIComponent(parsed.username)
    secret = decodeURIComponent(parsed.password)
  } catch {
    return err(`${rule} (bad percent-encoding in key or secret)`)
  }
  return ok({
    appId: match[1]!,
    key,
    secret,
    host: parsed.hostname,
    useTLS: parsed.protocol === "https:",
    ...(parsed.port === "" ? {} : { port: Number(parsed.port) })
  })
}
