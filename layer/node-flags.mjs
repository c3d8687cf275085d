// The V8 flags of Ferry's own process and the executable's first lines that set them. Its own
// module so that tests can import it (importing build.mjs runs the build).

/**
 * V8 flags Ferry runs with, whoever starts it (Lambda runs extensions/ferry through its first line,
 * as does runtime mode's `ferry -- app`); the app Ferry starts does not inherit them.
 * --max-semi-space-size=2 (MiB; V8's default grows it to 16 on x64): the young generation is where
 * the garbage of many small invocations and of streaming lands. Node 22, Ferry extension + Fastify,
 * three interleaved rounds each on the project machine (RSS after 5,000 small invocations, p50,
 * Ferry's CPU per invocation): no flag 91.6-92.3 MiB, 1.53-2.11 ms, 1.29-1.55 ms; =2 69.5-70.5 MiB,
 * 1.62-1.74 ms, 1.29-1.41 ms; =1 67.5-68.4 MiB but 1.76-2.02 ms, 1.37-1.52 ms (more scavenges);
 * =1 --single-threaded-gc 68.8-69.9 MiB, 1.93-2.30 ms. Idle RSS is the same for all (51-53 MiB).
 */
export const FERRY_NODE_FLAGS = ['--max-semi-space-size=2'];

/**
 * The executable's first two lines, read by /bin/sh and by Node alike: sh runs line 2, which execs
 * node with the flags on this very file; Node skips line 1 (a hashbang) and sees line 2 as the
 * string statement ":" and a comment (a string statement keeps the "use strict" after it in the
 * directive prologue). Not `#!/usr/bin/env -S node <flags>`: busybox's env (Alpine images) has no
 * -S, and NODE_OPTIONS belongs to the user. The exec costs about 0.5 ms (dash) to 1.7 ms (bash,
 * Amazon Linux's /bin/sh) of CPU more than `env`'s.
 */
export const shebang = (flags) => `#!/bin/sh\n":" //; exec node ${flags.join(' ')} "$0" "$@"`;
