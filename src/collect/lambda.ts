import type { FunctionConfiguration } from "@aws-sdk/client-lambda";
import type * as LambdaSdk from "@aws-sdk/client-lambda";
import type { JsonValue } from "../model/json.js";
import type { CollectionError, Resource } from "../model/inventory.js";
import { toJson } from "../util/json.js";
import { createClient, limited } from "./clients.js";
import { attempt, callSite, listingOf, type UnitContext, type UnitResult } from "./context.js";
import { tokenLoop } from "./paging.js";
import { requireSdk } from "../aws/sdk-require.js";

// Required, not imported: see requireSdk.
const { GetPolicyCommand, LambdaClient, ListFunctionsCommand, ListFunctionUrlConfigsCommand } = requireSdk(
  "@aws-sdk/client-lambda",
) as typeof LambdaSdk;

const SERVICE = "lambda";
/** ListFunctions returns at most 50 functions a page; ListFunctionUrlConfigs accepts MaxItems 1-50. */
const MAX_ITEMS = 50;

/**
 * Collects Lambda functions in one region: every function's configuration from ListFunctions (no per-function
 * GetFunction, never a code download), its resource policy (GetPolicy: ResourceNotFoundException means "no
 * policy", which is data), its function URLs (ListFunctionUrlConfigs, the only way to list them) and, for a URL
 * on an alias, that alias's resource policy, which is what governs the URL. Secret-looking environment
 * variable values are replaced by markers before the function is kept (SECRET_FIELDS, src/secrets/scrub.ts).
 */
export async function collectLambda(ctx: UnitContext): Promise<UnitResult> {
  const { account, region } = ctx;
  const errors: CollectionError[] = [];
  const where = callSite(ctx, SERVICE);
  const listing = listingOf(ctx, SERVICE);
  const MaxItems = Math.min(ctx.options.regionalPageSize, MAX_ITEMS);
  const client = createClient(LambdaClient, ctx, SERVICE, region);
  try {
    const functions = await attempt(errors, where("ListFunctions"), () =>
      tokenLoop(
        listing("ListFunctions"),
        (Marker) => client.send(new ListFunctionsCommand({ MaxItems, Marker })),
        (p) => p.Functions,
      ),
    );
    const resources = await Promise.all((functions ?? []).map((f) => limited(ctx, SERVICE, () => collectFunction(f))));
    return { resources, errors };
  } finally {
    client.destroy();
  }

  /** GetPolicy of the function or one of its aliases: null when it has none (a real answer), undefined on failure. */
  function policy(arn: string, FunctionName: string, Qualifier?: string): Promise<JsonValue | undefined> {
    return attempt(errors, where("GetPolicy", arn), async () => {
      try {
        return toJson(await client.send(new GetPolicyCommand({ FunctionName, ...(Qualifier ? { Qualifier } : {}) })));
      } catch (e) {
        if ((e as { name?: string }).name === "ResourceNotFoundException") return null;
        throw e;
      }
    });
  }

  async function collectFunction(f: FunctionConfiguration): Promise<Resource> {
    const name = f.FunctionName ?? "";
    const arn = f.FunctionArn ?? "";
    const [resourcePolicy, urls] = await Promise.all([
      policy(arn, name),
      attempt(errors, where("ListFunctionUrlConfigs", arn), () =>
        tokenLoop(
          listing("ListFunctionUrlConfigs"),
          (Marker) => client.send(new ListFunctionUrlConfigsCommand({ FunctionName: name, MaxItems, Marker })),
          (p) => p.FunctionUrlConfigs,
        ),
      ),
    ]);
    // A URL on an alias is governed by the alias's own resource policy, not the function's.
    const qualifiers = [
      ...new Set((urls ?? []).map((u) => qualifierOf(u.FunctionArn ?? "", arn)).filter((q) => q !== undefined)),
    ];
    const aliasPolicies = await Promise.all(qualifiers.map(async (q) => [q, await policy(arn, name, q)] as const));
    const known = aliasPolicies.filter(([, p]) => p !== undefined);
    return {
      type: "aws.lambda.function",
      arn,
      account,
      region,
      name,
      derived: {},
      raw: {
        function: toJson(f),
        ...(resourcePolicy !== undefined ? { policy: resourcePolicy } : {}),
        ...(urls !== undefined ? { functionUrlConfigs: toJson(urls) } : {}),
        ...(known.length ? { aliasPolicies: Object.fromEntries(known) as Record<string, JsonValue> } : {}),
      },
    };
  }
}

/** The alias or version a URL's FunctionArn carries after the function's own ARN, if any. */
function qualifierOf(urlFunctionArn: string, functionArn: string): string | undefined {
  return urlFunctionArn.startsWith(`${functionArn}:`) ? urlFunctionArn.slice(functionArn.length + 1) : undefined;
}
