export { harnessServers, createSuiteDatabase, provisionServiceDatabase, suiteTopicPrefix, userToken, serviceAccount, eventually } from './suite-resources';
export type { HarnessServers } from './suite-resources';
