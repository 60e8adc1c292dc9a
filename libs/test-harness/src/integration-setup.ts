import { Logger, type LogLevel } from '@nestjs/common';
import { startTelemetry } from '@tradewarden/telemetry';

// Real servers answer in milliseconds, but Keycloak's first token and Kafka group joins take seconds.
jest.setTimeout(180000);

// Spans (and so trace ids in events) exist in tests too; nothing is exported.
startTelemetry({ serviceName: 'tradewarden-tests', instrument: false });

// Tests stop and restart brokers on purpose, so service logs are mostly expected noise. TW_TEST_LOG_LEVEL=log (or
// debug) shows them when diagnosing a failure.
const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const wanted = (process.env['TW_TEST_LOG_LEVEL'] ?? 'fatal') as LogLevel;
Logger.overrideLogger(order.slice(0, Math.max(order.indexOf(wanted), 0) + 1));
// Services started in process read LOG_LEVEL when they create their Nest application.
process.env['LOG_LEVEL'] ??= wanted === 'fatal' ? 'error' : wanted;
