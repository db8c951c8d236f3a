import * as ParseResult from "effect/ParseResult"

/**
 * The first leaf of a Schema issue: where (`events.0.channel`, empty at the root) and what went wrong.
 * One leaf reads better in an error than the whole tree, and costs less to build.
 *
 * @internal
 */
export const firstLeaf = (issue: ParseResult.ParseIssue): { readonly path: string; readonly message: string } => {
  const first = ParseResult.ArrayFormatter.formatIssueSync(issue)[0]
  return first === undefined
    ? { path: "", message: "does not match the schema" }
    : { path: first.path.join("."), message: first.message }
}

/**
 * The first leaf of a Schema issue as one line: `events.0.channel: is missing`.
 *
 * @internal
 */
export const summary = (issue: ParseResult.ParseIssue): string => {
  const leaf = firstLeaf(issue)
  return leaf.path === "" ? leaf.message : `${leaf.path}: ${leaf.message}`
}
