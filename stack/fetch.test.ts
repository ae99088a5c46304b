import { describe, expect, it } from 'vitest';
import { MAVEN_SETTINGS, fetchPom } from './fetch.ts';

describe('fetchPom', () => {
  it('lists each coordinate as a dependency of a pom-packaged project', () => {
    const pom = fetchPom('kafka-4.1.2', [
      'org.apache.kafka:kafka_2.13:4.1.2',
      'org.apache.logging.log4j:log4j-core:2.25.3',
    ]);
    expect(pom).toContain('<artifactId>fetch-kafka-4.1.2</artifactId>');
    expect(pom).toContain('<packaging>pom</packaging>');
    expect(pom).toContain(
      '<dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>4.1.2</version></dependency>',
    );
    expect(pom.match(/<dependency>/g)).toHaveLength(2);
    expect(pom.match(/<(\w+)[\s>]/g)?.length).toBe(pom.match(/<\/\w+>/g)?.length);
  });

  it('refuses a coordinate that is not group:artifact:version', () => {
    expect(() => fetchPom('x', ['org.apache.kafka:kafka_2.13'])).toThrow(/group:artifact:version/);
    expect(() => fetchPom('x', ['a:b:c:tar.gz'])).toThrow(/group:artifact:version/);
  });
});

describe('MAVEN_SETTINGS', () => {
  it('blocks every repository except Central, so unreachable repositories named in poms are not waited on', () => {
    expect(MAVEN_SETTINGS).toContain('<mirrorOf>*,!central</mirrorOf>');
    expect(MAVEN_SETTINGS).toContain('<blocked>true</blocked>');
  });
});
