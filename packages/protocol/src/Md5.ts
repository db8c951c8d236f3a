/**
 * MD5 (RFC 1321) in plain JavaScript: the `body_md5` of a signed request.
 *
 * MD5 is broken as a signature, and the protocol does not use it as one: the body's MD5 is one of the signed
 * query parameters, so the HMAC-SHA256 signature covers the body through it. The portable crypto service
 * hashed with `@noble/hashes`' `md5`; this module takes its place for 0.8 KB less gzipped in a Worker
 * (`pnpm check:size`: +18.8 → +18.0 KB loaded), with no object per call for bodies up to
 * {@link scratchBytes}. Hashes per CPU-second against `@noble/hashes` (`pnpm bench:fastpaths MD5`, Node 20,
 * median of 5, load 16 on 2 CPUs): 100 B 2.9×, 1 KB 2.0×, 10 KB 2.0×; node:crypto's `hash` is 7.6-8.5×, so
 * `NodePusherCrypto` keeps it.
 *
 * @since 0.1.0
 */
import * as Encoding from "./Encoding.js"

/**
 * The longest UTF-8 encoding (3 bytes per UTF-16 unit, and the padding) hashed in the module's own buffer;
 * a longer message gets a buffer of its own for the call.
 *
 * @since 0.1.0
 * @category constants
 */
export const scratchBytes = 65536

// RFC 1321 §3.4: K[i] is the integer part of 2^32 × |sin(i + 1)|, written out (the last bits of Math.sin
// are not specified, so it is not computed).
// dprint-ignore
const K = new Int32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391
])

// RFC 1321 §3.4: the left rotations, four per round.
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

// The state, the block as words and the message's buffer, shared: JavaScript runs one call at a time and
// no call re-enters another.
const state = new Int32Array(4)
const X = new Int32Array(16)
let scratch = new Uint8Array(0)

/** One MD5 compression of the 64 bytes at `offset` into `state`. */
const compress = (bytes: Uint8Array, offset: number): void => {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4
    X[i] = bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16) | (bytes[j + 3]! << 24)
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!
  for (let i = 0; i < 64; i++) {
    const round = i >>> 4
    const f = round === 0
      ? (b & c) | (~b & d)
      : round === 1
      ? (d & b) | (~d & c)
      : round === 2
      ? b ^ c ^ d
      : c ^ (b | ~d)
    const g = round === 0 ? i : round === 1 ? (5 * i + 1) & 15 : round === 2 ? (3 * i + 5) & 15 : (7 * i) & 15
    const t = (a + f + K[i]! + X[g]!) | 0
    const s = S[(round << 2) | (i & 3)]!
    a = d
    d = c
    c = b
    b = (b + ((t << s) | (t >>> (32 - s)))) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + b) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
}

/** A state word as the hex of its bytes, least significant first (RFC 1321 §3.5). */
const wordHex = (word: number): string =>
  (((word & 0xff) << 24 | (word & 0xff00) << 8 | (word >>> 8) & 0xff00 | word >>> 24) >>> 0).toString(16)
    .padStart(8, "0")

/**
 * The MD5 of a string's UTF-8 bytes (a lone surrogate is U+FFFD, as every `TextEncoder` and node's `Buffer`
 * encode it), in lowercase hex.
 *
 * @since 0.1.0
 * @category hashing
 */
export const md5Hex = (message: string): string => {
  // Room for the longest encoding and the padding (RFC 1321 §3.1-3.2: 0x80, zeros, the length in 8 bytes).
  const room = message.length * 3 + 72
  let bytes = scratch
  if (room > bytes.length) {
    bytes = new Uint8Array(room)
    if (room <= scratchBytes) scratch = bytes
  }
  const length = Encoding.utf8EncodeInto(message, bytes)
  const end = ((length + 9 + 63) >>> 6) << 6
  bytes[length] = 0x80
  bytes.fill(0, length + 1, end)
  // Lengths here stay far below 2^53 bits: the high word is the quotient, the low word the remainder.
  const bits = length * 8
  const high = Math.floor(bits / 0x100000000)
  bytes[end - 8] = bits
  bytes[end - 7] = bits >>> 8
  bytes[end - 6] = bits >>> 16
  bytes[end - 5] = bits >>> 24
  bytes[end - 4] = high
  bytes[end - 3] = high >>> 8
  bytes[end - 2] = high >>> 16
  bytes[end - 1] = high >>> 24
  state[0] = 0x67452301
  state[1] = 0xefcdab89
  state[2] = 0x98badcfe
  state[3] = 0x10325476
  for (let offset = 0; offset < end; offset += 64) compress(bytes, offset)
  return wordHex(state[0]!) + wordHex(state[1]!) + wordHex(state[2]!) + wordHex(state[3]!)
}
