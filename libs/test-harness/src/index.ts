export { harnessServers, createSuiteDatabase, provisionServiceDatabase, suiteTopicPrefix, userToken, shortLivedUserToken, serviceAccount, eventually } from './suite-resources';
export type { HarnessServers } from './suite-resources';
