/**
 * The Effect 3 line's raw-upload helper, shared as is: it imports nothing from `effect`, so both lines' tests
 * use the one file.
 */
export * from "../../../../platform-node/test/utils/upload.js"
