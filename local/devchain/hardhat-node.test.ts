import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";

import { freePort } from "./free-port.ts";
import { rpcAnswers } from "./hardhat-node.ts";

test("a node in its own process group stops when its parent is killed with SIGKILL", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port.toString()}`;
  // The parent starts the node as `npm start` does, says so, then waits to be killed.
  const parent = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { startHardhatNode } from ${JSON.stringify(new URL("./hardhat-node.ts", import.meta.url).href)};
       await startHardhatNode(${port.toString()}, { ownProcessGroup: true });
       console.log("started");
       setInterval(() => {}, 1000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const [chunk] = (await once(parent.stdout, "data")) as [Buffer];
    assert.match(chunk.toString(), /started/);
    assert.equal(await rpcAnswers(url), true);
    parent.kill("SIGKILL");
    await once(parent, "exit");
    const deadline = Date.now() + 15_000;
    while (await rpcAnswers(url)) {
      assert.ok(Date.now() < deadline, "the node still serves its port 15 s after its parent died");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    parent.kill("SIGKILL");
  }
});
