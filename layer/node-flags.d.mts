/** Types for node-flags.mjs (the V8 flags of Ferry's own process). */
export declare const FERRY_NODE_FLAGS: readonly string[];
/** The executable's first two lines, which start node with these flags on the file itself. */
export declare function shebang(flags: readonly string[]): string;
