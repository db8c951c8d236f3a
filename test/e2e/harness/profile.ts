/**
 * Which server the e2e suite runs against (`E2E_SERVER=soketi`, the default, or `local`: the library's own
 * emulator served by `NodePusherTest`), and what legitimately differs between the two: soketi answers
 * refusals with HTTP 200 and its own bodies, and this suite configures soketi with limits below the
 * library's; the emulator answers with the status Channels sends and has Channels' limits.
 */
export type ServerKind = "soketi" | "local"

export const kind: ServerKind = process.env.E2E_SERVER === "local" ? "local" : "soketi"

/** The payload limit the suite gives either server, below the library's 10 KB. */
const payloadKb = 4

/** soketi's limits for the suite's app, set below the library's (100 channels, 200 chars, 10 KB) on purpose. */
export const soketiLimits = { channels: 50, eventNameLength: 100, payloadKb } as const

export interface Profile {
  readonly kind: ServerKind
  /** The raw status a refusal with `status` arrives with. */
  readonly refusalStatus: (status: number) => number
  /** The server's limits where they are below the library's (undefined: the same as the library's). */
  readonly limits: {
    readonly channels: number | undefined
    readonly eventNameLength: number | undefined
    readonly payloadKb: number
  }
  /**
   * Whether the server answers `info` as Channels does: on triggers (soketi 1.6.1 ignores it) and only when
   * asked on `/channels` (soketi always lists subscription counts there).
   */
  readonly answersInfo: boolean
  /** Whether the server sends watchlist events (`pusher_internal:watchlist_events`); soketi 1.6.1 does not. */
  readonly watchlistEvents: boolean
  /** What the server says when it refuses. */
  readonly bodies: {
    readonly tooManyChannels: RegExp
    readonly payloadTooLarge: RegExp
    readonly eventNameTooLong: RegExp
  }
}

export const profile: Profile = kind === "soketi"
  ? {
    kind,
    refusalStatus: () => 200, // soketi 1.6.1 sends its refusals with status 200
    limits: soketiLimits,
    answersInfo: false,
    watchlistEvents: false,
    bodies: {
      tooManyChannels: new RegExp(`more than ${soketiLimits.channels} channels`),
      payloadTooLarge: new RegExp(`less than ${payloadKb} KB`),
      eventNameTooLong: /Event name is too long/
    }
  }
  : {
    kind,
    refusalStatus: (status) => status,
    limits: { channels: undefined, eventNameLength: undefined, payloadKb },
    answersInfo: true,
    watchlistEvents: true,
    bodies: {
      tooManyChannels: /at most 100 channels/,
      payloadTooLarge: new RegExp(`at most ${payloadKb * 1024} bytes`),
      eventNameTooLong: /at most 200/
    }
  }
