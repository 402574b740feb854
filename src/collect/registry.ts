import type { UnitContext, UnitResult } from "./context.js";
import { collectApiGateway } from "./apigateway.js";
import { collectApiGatewayV2 } from "./apigatewayv2.js";
import { collectAppSync } from "./appsync.js";
import { collectCloudTrail } from "./cloudtrail.js";
import { collectCognitoIdentityPools, collectCognitoUserPools } from "./cognito.js";
import { collectConfig } from "./config.js";
import { collectIam } from "./iam.js";
import { collectLambda } from "./lambda.js";
import { collectWafv2 } from "./wafv2.js";

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
  { service: "iam", regional: false, collect: collectIam },
  { service: "apigateway", regional: true, collect: collectApiGateway },
  { service: "apigatewayv2", regional: true, collect: collectApiGatewayV2 },
  { service: "wafv2", regional: true, collect: collectWafv2 },
  { service: "cloudtrail", regional: true, collect: collectCloudTrail },
  { service: "config", regional: true, collect: collectConfig },
  { service: "lambda", regional: true, collect: collectLambda },
  { service: "cognito-idp", regional: true, collect: collectCognitoUserPools },
  { service: "cognito-identity", regional: true, collect: collectCognitoIdentityPools },
  { service: "appsync", regional: true, collect: collectAppSync },
];
