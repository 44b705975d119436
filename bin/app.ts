// CDK app entry (cdk.json: `npx tsx bin/app.ts`). Stage from context `microloan:stage` (cdk.json: dev), e.g.
// `npx cdk synth -c microloan:stage=prod` → stack Microloan-prod.

import { buildApp } from '../lib/app';

const { app } = buildApp();
app.synth();
