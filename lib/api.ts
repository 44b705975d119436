// The HTTP API. Its routes come from functions/shared/routes.ts (API_ROUTES), the list the local HTTP server serves
// too: one Lambda per distinct handler, the Cognito JWT authorizer on `user` routes, none on `none` routes. What each
// handler may do is granted from its declaration (lib/bindings.ts), least privilege per function.

import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES, type HttpHandlerName } from '../functions/shared/routes';
import { HouseFunction } from './house-function';
import { acknowledge } from './nag';

export interface ApiThrottle {
  /** Steady-state requests per second for the whole API. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface ApiProps {
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly logRemovalPolicy: RemovalPolicy;
  /** @default rate 50, burst 100 */
  readonly throttle?: ApiThrottle;
  /** Origins allowed by CORS. @default ['*'] (tokens travel in the Authorization header, never in cookies) */
  readonly corsOrigins?: string[];
}

/**
 * Why each route without the JWT authorizer (routes.ts auth 'none') may be public. A new public route needs an entry
 * here, reviewed like any other cdk-nag acknowledgement.
 */
export const PUBLIC_ROUTE_REASONS: Readonly<Record<string, string>> = {
  'POST /v1/quotes':
    'the public loan calculator (API.md: no login): it only reads products, stores nothing, and its input is bounded (at most 600 installments, 10^12 minor units, a 64 KB body) so one request stays cheap; the stage throttle caps the volume.',
  'POST /v1/webhooks/repayments':
    'the bank posts repayments server to server without a Cognito identity; the handler requires an HMAC-SHA256 signature over the raw body (which names the loan), compared in constant time, and applies a payment reference once, so a replay changes nothing.',
  'GET /v1/reviews/{reviewId}':
    'the reviewer opens the link from the approval e-mail without signing in (PRODUCT.md 2.5): the HMAC signature over review id, reviewer and expiry is the credential, checked by the handler against the stored review; GET changes nothing.',
  'POST /v1/reviews/{reviewId}/decision':
    'the decision form of the signed review link: the same HMAC-signed credential, single use (a conditional write), expiring; no session exists for reviewers arriving from e-mail.',
  'GET /openapi.json':
    'GET /openapi.json is public by design (API.md: no login): it serves the OpenAPI description of the API, generated from the validation schemas, and reads no data.',
};

/** Construct id of a handler's function: `submit-application` → `SubmitApplicationFunction`. */
export function functionId(handlerName: string): string {
  return `${handlerName.split('-').map((part) => part[0]!.toUpperCase() + part.slice(1)).join('')}Function`;
}

export class Api extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  /** The API's base URL, ending in `/`. */
  public readonly url: string;
  public readonly functions: ReadonlyMap<HttpHandlerName, HouseFunction>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    // X-Ray: HTTP APIs (apigatewayv2) have no X-Ray tracing, unlike REST APIs, so traces start at the Lambdas
    // (Tracing.ACTIVE in house-function.ts) and continue through the state machine (tracingEnabled in pipeline.ts).
    // Requests are correlated across the hop by the API request id instead: it is in the access log below
    // (`requestId`) and is the `correlation_id` of every handler log line and of the pipeline tasks it starts.
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'microloan-approval HTTP API (v1)',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.corsOrigins ?? ['*'],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
        maxAge: Duration.hours(1),
      },
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: props.logRemovalPolicy,
    });
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });
    this.url = this.stage.url;

    const userAuthorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', props.userPool, {
      userPoolClients: [props.userPoolClient],
    });
    const noAuthorizer = new HttpNoneAuthorizer();

    const functions = new Map<HttpHandlerName, HouseFunction>();
    const integrations = new Map<HttpHandlerName, HttpLambdaIntegration>();
    for (const route of API_ROUTES) {
      let fn = functions.get(route.handler);
      if (!fn) {
        fn = new HouseFunction(this, functionId(route.handler), {
          handlerName: route.handler,
          description: `HTTP API: ${API_ROUTES.filter((r) => r.handler === route.handler).map((r) => `${r.method} ${r.path}`).join(', ')}`,
          logRemovalPolicy: props.logRemovalPolicy,
        });
        functions.set(route.handler, fn);
        integrations.set(route.handler, new HttpLambdaIntegration(`${functionId(route.handler)}Integration`, fn));
      }
      const authorizer: IHttpRouteAuthorizer = route.auth === 'user' ? userAuthorizer : noAuthorizer;
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations.get(route.handler)!,
        authorizer,
      });
      if (route.auth === 'none') {
        const reason = PUBLIC_ROUTE_REASONS[`${route.method} ${route.path}`];
        if (!reason) throw new Error(`route ${route.method} ${route.path} has auth 'none' but no reviewed reason in PUBLIC_ROUTE_REASONS`);
        acknowledge(created!, 'AwsSolutions-APIG4', reason);
      }
    }
    this.functions = functions;

  }
}
