// Generated code for every gRPC API and Kafka event payload in proto/. Regenerate with `npx nx run proto:generate`.
export * as commonV1 from './generated/tradewarden/common/v1/common';
export * as catalogueV1 from './generated/tradewarden/common/v1/catalogue';
export * as operationV1 from './generated/tradewarden/common/v1/operation';
export * as identityV1 from './generated/tradewarden/identity/v1/identity';
export * as intakeV1 from './generated/tradewarden/intake/v1/intake';
export * as approvalV1 from './generated/tradewarden/approval/v1/approval';
export * as gatewayV1 from './generated/tradewarden/gateway/v1/gateway';
export * as auditV1 from './generated/tradewarden/audit/v1/audit';
export * as eventsV1 from './generated/tradewarden/events/v1/events';
export { protoRoot, protoFile } from './proto-files';
export * as mt4bridgeV1 from './generated/tradewarden/mt4bridge/v1/bridge';
