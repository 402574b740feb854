import { COLLECTORS } from "../collect/registry.js";

// The service names `--services` takes, apart from the rule selection (selection.ts) so that the help text names
// them without loading the resource-type tables (#19 start-up).

/** The services `--services` accepts: every collector. */
export const SERVICE_NAMES: readonly string[] = COLLECTORS.map((c) => c.service);

/**
 * The services whose resources are exposure-path entry points (docs/paths.md): selecting any of them runs the path
 * rules. A path is followed only through the services the run collected; a hop into one left out (Lambda, IAM) is
 * skipped with that reason, so `--services apigateway,lambda,iam` judges API paths completely.
 */
export const PATH_ENTRY_SERVICES: readonly string[] = ["apigateway", "apigatewayv2", "lambda", "cognito-identity", "appsync"];
