export { harnessServers, createSuiteDatabase, provisionServiceDatabase, suiteTopicPrefix, userToken, shortLivedUserToken, serviceAccount, serviceEnvironment, eventually } from './suite-resources';
export type { HarnessServers } from './suite-resources';
