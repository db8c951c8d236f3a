import { describe, expect, it } from "@effect/vitest"
import * as HttpStatus from "../src/HttpStatus.js"
import * as Json from "../src/Json.js"
import * as Query from "../src/Query.js"
import * as Signing from "../src/Signing.js"

describe("encodeValue", () => {
  it("keeps what needs no encoding, as is", () => {
    const plain = "AZaz09_-=@,.;:!$()*/?[]~"
    expect(Query.encodeValue(plain)).toBe(plain)
  })

  it("escapes spaces, controls, non-ASCII, what pusher's HTTP client escapes, and & # + %", () => {
    expect(Query.encodeValue("a b")).toBe("a%20b")
    expect(Query.encodeValue("ą😀")).toBe("%C4%85%F0%9F%98%80")
    expect(Query.encodeValue(`"'<>\\^\`{|}`)).toBe("%22%27%3C%3E%5C%5E%60%7B%7C%7D")
    expect(Query.encodeValue("&#+%")).toBe("%26%23%2B%25")
    expect(Query.encodeValue("\u0000\t\n\u007f")).toBe("%00%09%0A%7F")
  })

  it("sends a lone surrogate as U+FFFD, as a URL does, instead of throwing", () => {
    expect(Query.encodeValue("a\uD800b")).toBe("a%EF%BF%BDb")
  })

  it("round-trips through the query parsing a server does", () => {
    const value = "a&b=c #1+1 50% ą\t\"'<>"
    expect(Query.parse(`x=${Query.encodeValue(value)}`)?.get("x")).toBe(value)
  })
})

describe("checkParams", () => {
  it("takes values with any character (they are encoded on the wire), keeps the key pattern and reserved keys", () => {
    expect(Query.checkParams("params", { x: "a b&c", y: "ą" })).toEqual({
      ok: true,
      value: [["x", "a b&c"], ["y", "ą"]]
    })
    const badKey = Query.checkParams("params", { "a b": "x" })
    expect(badKey.ok ? undefined : badKey.error.field).toBe("params.a b")
    const reserved = Query.checkParams("params", { auth_key: "x" })
    expect(reserved.ok ? undefined : reserved.error.field).toBe("params.auth_key")
  })
})

describe("signedQuery with values that need encoding", () => {
  const signer: Signing.RequestSigner = { key: "k", sign: (message) => `sig(${message})`, md5Hex: () => "md5" }

  it("signs the unescaped k=v pairs and sends them escaped", () => {
    const query = Signing.signedQuery(signer, "GET", "/apps/1/channels", [["x", "a b&c"]], undefined, 5)
    const signed = "auth_key=k&auth_timestamp=5&auth_version=1.0&x=a b&c"
    expect(query).toBe(
      `auth_key=k&auth_timestamp=5&auth_version=1.0&x=a%20b%26c&auth_signature=sig(GET\n/apps/1/channels\n${signed})`
    )
  })

  it("sends the signed string itself when nothing needs encoding", () => {
    const query = Signing.signedQuery(signer, "GET", "/p", [["x", "a,b"]], undefined, 5)
    expect(query).toBe(
      "auth_key=k&auth_timestamp=5&auth_version=1.0&x=a,b&auth_signature=sig(GET\n/p\nauth_key=k&auth_timestamp=5&auth_version=1.0&x=a,b)"
    )
  })
})

describe("checkKeys", () => {
  const table: Json.KeyTable = { accepted: ["a", "b"], replacements: { c: "b" } }

  it("accepts the table's keys, names the first other key and its replacement", () => {
    expect(Json.checkKeys("options", ["a", "b"], table)).toBeUndefined()
    expect(Json.checkKeys("options", ["a", "z"], table)).toEqual({
      field: "options.z",
      rule: "is not a known key (known: a, b)"
    })
    expect(Json.checkKeys("options", ["c"], table)).toEqual({ field: "options.c", rule: "is not a known key: use b" })
    expect(Json.checkKeys("options", undefined, table)).toEqual({ field: "options", rule: "must be an object" })
  })

  it("names the accepted key a near miss stands for (case or at most two edits), never for distant keys", () => {
    const options: Json.KeyTable = { accepted: ["maxBatch", "timeout", "maxAge"], replacements: {} }
    expect(Json.checkKeys("options", ["maxbatch"], options)?.rule).toBe(
      "is not a known key: did you mean maxBatch? (known: maxBatch, timeout, maxAge)"
    )
    expect(Json.nearMiss("timout", options.accepted)).toBe("timeout")
    expect(Json.nearMiss("maxAgee", options.accepted)).toBe("maxAge")
    expect(Json.nearMiss("ab", options.accepted)).toBeUndefined()
    expect(Json.nearMiss("x".repeat(1_000_000), options.accepted)).toBeUndefined()
    // The key alone when the bag is the whole input; a long key is quoted as an excerpt.
    expect(Json.checkKeys("", ["apId"], { accepted: ["appId"], replacements: {} })?.field).toBe("apId")
    expect(Json.checkKeys("o", ["k".repeat(10_000)], options)?.field.length).toBeLessThan(200)
  })

  it("readOptions reads each accepted key once, leaves out undefined, and turns a throw into a failure", () => {
    const table: Json.KeyTable<"a" | "b"> = { accepted: ["a", "b"], replacements: {} }
    let reads = 0
    const counted = Object.defineProperty({ b: undefined }, "a", {
      enumerable: true,
      get: () => ++reads
    })
    expect(Json.readOptions("options", counted, table)).toEqual({ ok: true, value: { a: 1 } })
    expect(reads).toBe(1)
    expect(Json.readOptions("options", undefined, table)).toEqual({ ok: true, value: {} })
    expect(Json.readOptions("options", null, table)).toEqual({ ok: true, value: {} })
    expect(Json.readOptions("options", 5, table)).toEqual({
      ok: false,
      error: { field: "options", rule: "must be an object" }
    })
    const hostile = new Proxy({}, {
      ownKeys: () => {
        throw new Error("no")
      }
    })
    expect(Json.readOptions("", hostile, table)).toEqual({
      ok: false,
      error: { field: "options", rule: "could not be read (it threw while being read)" }
    })
  })

  it("an inherited name is not a replacement", () => {
    expect(Json.checkKeys("options", ["toString"], table)?.rule).toBe("is not a known key (known: a, b)")
  })

  it("keysOf: no bag is no keys; what is not an object has none to read", () => {
    expect(Json.keysOf(undefined)).toEqual([])
    expect(Json.keysOf(null)).toEqual([])
    expect(Json.keysOf({ a: 1, b: undefined })).toEqual(["a", "b"])
    expect(Json.keysOf("x")).toBeUndefined()
  })
})

describe("embeddedErrorStatus", () => {
  it("is soketi's error only with a string error and a numeric code", () => {
    expect(HttpStatus.embeddedErrorStatus({ error: "too big", code: 413 })).toBe(413)
    expect(HttpStatus.embeddedErrorStatus({ error: "odd", code: 200 })).toBe(400)
    expect(HttpStatus.embeddedErrorStatus({ result: "ok", error: null })).toBeUndefined()
    expect(HttpStatus.embeddedErrorStatus({ error: "no code" })).toBeUndefined()
    expect(HttpStatus.embeddedErrorStatus({ error: "x", code: "400" })).toBeUndefined()
    expect(HttpStatus.embeddedErrorStatus([{ error: "x", code: 400 }])).toBeUndefined()
    expect(HttpStatus.embeddedErrorStatus(null)).toBeUndefined()
  })
})
