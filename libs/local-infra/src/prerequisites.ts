import { spawnSync } from 'node:child_process';

export class PrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrerequisiteError';
  }
}

function javaMajorVersion(java: string): number | undefined {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

/** The java binary to run Kafka and Keycloak with: JAVA_HOME's if set, else the one on PATH. */
export function javaBinary(): string {
  return process.env['JAVA_HOME'] ? `${process.env['JAVA_HOME']}/bin/java` : 'java';
}

/**
 * Kafka and Keycloak run on a JVM and are fetched from Maven Central with Maven. Fails with what to install when
 * either is missing or Java is older than 17.
 */
export function requireJavaAndMaven(): void {
  const java = javaBinary();
  const major = javaMajorVersion(java);
  if (major === undefined) {
    throw new PrerequisiteError(
      `Java not found (tried "${java}"). Kafka and Keycloak need Java 17 or newer: on Debian/Ubuntu ` +
        '`apt-get install -y openjdk-17-jre-headless`, or set JAVA_HOME to a JDK 17+.',
    );
  }
  if (major < 17) {
    throw new PrerequisiteError(`Java ${major} found at "${java}"; Kafka and Keycloak need Java 17 or newer (set JAVA_HOME).`);
  }
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new PrerequisiteError(
      'Maven (mvn) not found. It fetches Kafka and Keycloak from Maven Central on first start: on Debian/Ubuntu ' +
        '`apt-get install -y maven`.',
    );
  }
}
