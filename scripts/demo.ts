// `npm run demo`: starts the account simulator with fixtures/accounts/demo.json and the simulated API Gateway
// data plane serving the same account's APIs on 127.0.0.1, runs a real `tollgate scan` against them (collection
// through AWS_ENDPOINT_URL, probes through the invoke/domain URL templates, allowed to reach 127.0.0.1 only),
// and leaves the reports in reports/.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { loadAccountFile } from "../fixtures/simulator/account-file.js";
import { loopbackProbeArgs, startDataPlane } from "../fixtures/simulator/dataplane.js";
import { dataPlaneConfig } from "../fixtures/simulator/dataplane-config.js";
import { startSimulator } from "../fixtures/simulator/server.js";
import { generateTestPki } from "../fixtures/simulator/tls.js";
import { packageRoot } from "../src/util/paths.js";

const root = packageRoot();
const account = loadAccountFile(join(root, "fixtures", "accounts", "demo.json"));
const sim = await startSimulator({ accounts: [account] });
const caller = account.callers[0]!;
process.stderr.write(`Demo: simulator for account ${account.accountId} on ${sim.endpoint}\n`);
// A throwaway CA for this run only; the scan trusts it through --ca-file (certificates are still verified).
const pki = generateTestPki();
const dp = await startDataPlane({ ...dataPlaneConfig([account]), pki });
process.stderr.write(`Demo: data plane for its APIs on ${new URL(dp.invokeUrlTemplate).host}\n`);

const out = join(root, "reports");
const code = await new Promise<number>((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [
      join(root, "dist", "src", "cli.js"),
      "scan",
      // Probes go to the loopback data plane only; --probe-hosts makes any other host a hard error.
      ...loopbackProbeArgs(dp, pki.caFile),
      "--out",
      out,
      "--save-inventory",
      join(out, "inventory.json"),
      "--console",
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
await dp.close();
pki.dispose();
process.stderr.write(
  `\nDemo scan finished with exit code ${code} (1 = failing findings at or above --fail-on, as this demo account has).\n`,
);
process.stderr.write(
  `Reports are in ${out}/ (report.html, findings.json, results.sarif, summary.md, junit.xml, inventory.json, probes.json).\n`,
);
// The demo succeeds when the scan ran; 2 (bad input) or 4 (internal error) mean it did not.
process.exit(code === 2 || code >= 4 ? code : 0);
