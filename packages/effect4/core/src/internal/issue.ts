import * as SchemaIssue from "effect/SchemaIssue"

// Built on first use: a program that never formats an issue does not build it.
let formatter: ReturnType<typeof SchemaIssue.makeFormatterStandardSchemaV1> | undefined

const segment = (part: PropertyKey | { readonly key: PropertyKey }): string =>
  String(typeof part === "object" ? part.key : part)

/**
 * The first leaf of a Schema issue: where (`events.0.channel`, empty at the root) and what went wrong.
 * One leaf reads better in an error than the whole tree; the Standard Schema formatter lists the leaves
 * with their paths, each message without the input (which may be a secret).
 *
 * @internal
 */
export const firstLeaf = (issue: SchemaIssue.Issue): { readonly path: string; readonly message: string } => {
  formatter ??= SchemaIssue.makeFormatterStandardSchemaV1()
  const first = formatter(issue).issues[0]
  return first === undefined
    ? { path: "", message: "does not match the schema" }
    : { path: (first.path ?? []).map(segment).join("."), message: first.message }
}

/**
 * The first leaf of a Schema issue as one line: `events.0.channel: is missing`.
 *
 * @internal
 */
export const summary = (issue: SchemaIssue.Issue): string => {
  const leaf = firstLeaf(issue)
  return leaf.path === "" ? leaf.message : `${leaf.path}: ${leaf.message}`
}
