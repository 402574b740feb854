import type { UnitContext, UnitResult } from "./context.js";

// Each collector module pulls in its AWS SDK client (the largest part of start-up); the registry names them and
// loads a module only when its service is collected, so commands that never call AWS (--help, rules list) stay light.

/** A collector for one service; run once per account (global) or once per account and region. */
export interface ServiceCollector {
  /** Service name as in the SigV4 scope and in inventory errors. */
  service: string;
  /** Global services (IAM) run once per account with region `global`. */
  regional: boolean;
  collect(ctx: UnitContext): Promise<UnitResult>;
}

/** Every collector. New services add one entry here. */
export const COLLECTORS: ServiceCollector[] = [
  { service: "iam", regional: false, collect: async (ctx) => (await import("./iam.js")).collectIam(ctx) },
  { service: "apigateway", regional: true, collect: async (ctx) => (await import("./apigateway.js")).collectApiGateway(ctx) },
  {
    service: "apigatewayv2",
    regional: true,
    collect: async (ctx) => (await import("./apigatewayv2.js")).collectApiGatewayV2(ctx),
  },
  { service: "wafv2", regional: true, collect: async (ctx) => (await import("./wafv2.js")).collectWafv2(ctx) },
  { service: "cloudtrail", regional: true, collect: async (ctx) => (await import("./cloudtrail.js")).collectCloudTrail(ctx) },
  { service: "config", regional: true, collect: async (ctx) => (await import("./config.js")).collectConfig(ctx) },
  { service: "lambda", regional: true, collect: async (ctx) => (await import("./lambda.js")).collectLambda(ctx) },
  {
    service: "cognito-idp",
    regional: true,
    collect: async (ctx) => (await import("./cognito.js")).collectCognitoUserPools(ctx),
  },
  {
    service: "cognito-identity",
    regional: true,
    collect: async (ctx) => (await import("./cognito.js")).collectCognitoIdentityPools(ctx),
  },
  { service: "appsync", regional: true, collect: async (ctx) => (await import("./appsync.js")).collectAppSync(ctx) },
];
