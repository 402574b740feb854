// `npm run demo`: starts the account simulator with fixtures/accounts/demo.json, runs a real `tollgate scan`
// against it over HTTP (through AWS_ENDPOINT_URL and ordinary credentials), and leaves the reports in reports/.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { loadAccountFile } from "../fixtures/simulator/account-file.js";
import { startSimulator } from "../fixtures/simulator/server.js";
import { packageRoot } from "../src/util/paths.js";

const root = packageRoot();
const account = loadAccountFile(join(root, "fixtures", "accounts", "demo.json"));
const sim = await startSimulator({ accounts: [account] });
const caller = account.callers[0]!;
process.stderr.write(`Demo: simulator for account ${account.accountId} on ${sim.endpoint}\n`);

const out = join(root, "reports");
const code = await new Promise<number>((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [
      join(root, "dist", "src", "cli.js"),
      "scan",
      // The demo never probes real hosts; the simulated data plane is not wired to the demo's APIs yet.
      "--no-probe",
      "--out",
      out,
      "--save-inventory",
      join(out, "inventory.json"),
      "--format",
      "text",
    ],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: sim.endpoint,
        AWS_ACCESS_KEY_ID: caller.accessKeyId,
        AWS_SECRET_ACCESS_KEY: caller.secretAccessKey,
        AWS_REGION: account.regions[0],
        AWS_PROFILE: "",
        AWS_EC2_METADATA_DISABLED: "true",
      },
    },
  );
  child.on("error", reject);
  child.on("close", (c) => resolve(c ?? 1));
});
await sim.close();
process.stderr.write(
  `\nDemo scan finished with exit code ${code} (1 = failing findings at or above --fail-on, as this demo account has).\n`,
);
process.stderr.write(`Reports are in ${out}/ (findings.json, results.sarif, inventory.json).\n`);
// The demo succeeds when the scan ran; 2 (bad input) or 4 (internal error) mean it did not.
process.exit(code === 2 || code >= 4 ? code : 0);
