// The MT change vocabulary shared by intake (plans) and the gateway (execution): fields, canonical values, snapshots of
// live records, typed changes for connectors, and the drift and read-back rules.
export * from './vocabulary';
export * from './typed-changes';
export * from './snapshots';
export * from './change-rules';
