// What the driver of `pnpm test:runtimes` (scripts/runtimes.ts) passes to a smoke program and reads back from it.
// Effect-free: the Effect 3 line's smoke (scripts/runtimes/smoke.ts) and the Effect 4 line's
// (packages/effect4/infra/runtimes/smoke.ts) both take these, so the two lines pass the same checks, judged by
// the same `same`.

/** What the driver passes in (bundled in with esbuild's `define`). */
export interface Params {
  readonly runtime: string
  /** The served emulator: appId, key, secret, host, port, useTLS. */
  readonly app: {
    readonly appId: string
    readonly key: string
    readonly secret: string
    readonly host: string
    readonly port: number
  }
  readonly masterKeyBase64: string
  /** A port on 127.0.0.1 that accepts connections and never answers. */
  readonly silentPort: number
  readonly socketId: string
  readonly presenceData: { readonly user_id: string; readonly user_info: { readonly name: string } }
  readonly user: { readonly id: string; readonly name: string }
  /** pusher@5.3.4's answers for the same inputs. */
  readonly expected: {
    readonly privateChannel: string
    readonly privateAuth: { readonly auth: string }
    readonly presenceChannel: string
    readonly presenceAuth: { readonly auth: string; readonly channel_data: string }
    readonly encryptedChannel: string
    readonly encryptedAuth: { readonly auth: string; readonly shared_secret: string }
    readonly userAuth: { readonly auth: string; readonly user_data: string }
  }
  /** A webhook signed in Node and accepted by pusher@5.3.4, with an encrypted client event sealed by tweetnacl. */
  readonly webhook: {
    readonly body: string
    readonly tamperedBody: string
    readonly key: string
    readonly signature: string
    readonly encryptedPlaintext: unknown
  }
  /** What the smoke triggers; the driver then reads it back from the emulator. */
  readonly trigger: {
    readonly channel: string
    readonly encryptedChannel: string
    readonly event: string
    readonly data: unknown
  }
}

/** One check's outcome. */
export interface Check {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

// JSON with object keys sorted: pusher@5.3.4 builds its answers in another key order.
const canonical = (u: unknown): string =>
  JSON.stringify(u, (_, value: unknown) =>
    typeof value === "object" && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value)

/** The same JSON value, whatever the order of object keys. */
export const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b)
