import { startTelemetry } from '@tradewarden/telemetry';

// Real servers answer in milliseconds, but Keycloak's first token and Kafka group joins take seconds.
jest.setTimeout(180000);

// Spans (and so trace ids in events) exist in tests too; nothing is exported.
startTelemetry({ serviceName: 'tradewarden-tests', instrument: false });
