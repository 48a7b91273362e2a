/**
 * Preloaded (`node --import`) into a child that runs in its own process group. A terminal's Ctrl-C
 * or a `kill -9` of the parent's group does not reach such a child, and a child left running would
 * hold its port so that the next start refuses. The parent holds the write end of this process's
 * stdin; the kernel closes it however the parent dies, and this process then exits.
 */
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));
process.stdin.resume();
