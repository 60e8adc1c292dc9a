// gRPC calls from clients, on @grpc/grpc-js alone: what the CLI and tests need without the server side of
// @tradewarden/grpc (NestJS modules, the OpenTelemetry SDK), which a command would load for nothing.
export { createGrpcClient, channelServiceConfig, unaryCall, clientStreamCall, serverStreamCall, bearerMetadata } from './grpc-client';
export type { ChannelPolicy, GrpcClient, ServiceDefinitionOf } from './grpc-client';
