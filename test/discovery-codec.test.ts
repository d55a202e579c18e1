// Curator's x-discovery instance format without a server: the exact JSON bytes, decoding
// (Spring Cloud Zookeeper's real output included), malformed data, uriSpec parsing and building,
// and the checks on names, ids and fields.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildInstance, buildUri, decodeInstance, encodeInstance, InvalidInstanceError, parseUriSpec, validateServiceName, type ServiceInstance } from '../src/index.js';

/** The JSON Spring Cloud Zookeeper writes through Curator (see the reference), with a full UUID. */
const SPRING_CLOUD =
  '{"name":"cloud-provider-payment","id":"585ddd0b-6d59-4f2c-9b8a-1f0c3e5d7a21","address":"192.168.0.106","port":8004,"sslPort":null,' +
  '"payload":{"@class":"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance","id":"application-1",' +
  '"name":"cloud-provider-payment","metadata":{}},"registrationTimeUTC":1698197224917,"serviceType":"DYNAMIC",' +
  '"uriSpec":{"parts":[{"value":"scheme","variable":true},{"value":"://","variable":false},' +
  '{"value":"address","variable":true},{"value":":","variable":false},{"value":"port","variable":true}]}}';

const springInstance = (): ServiceInstance => ({
  name: 'cloud-provider-payment',
  id: '585ddd0b-6d59-4f2c-9b8a-1f0c3e5d7a21',
  address: '192.168.0.106',
  port: 8004,
  sslPort: null,
  payload: { '@class': 'org.springframework.cloud.zookeeper.discovery.ZookeeperInstance', id: 'application-1', name: 'cloud-provider-payment', metadata: {} },
  registrationTimeUTC: 1698197224917,
  serviceType: 'DYNAMIC',
  uriSpec: parseUriSpec('{scheme}://{address}:{port}'),
  enabled: true,
});

const bad = (json: string, path = '/services/s/i') => () => decodeInstance(Buffer.from(json), path);

describe('the JSON instance format', () => {
  test("Spring Cloud Zookeeper's bytes decode, and encode back byte for byte", () => {
    const decoded = decodeInstance(Buffer.from(SPRING_CLOUD), '/services/cloud-provider-payment/x');
    assert.deepEqual(decoded, springInstance());
    assert.equal(encodeInstance(decoded).toString(), SPRING_CLOUD, 'the @class payload round-trips unchanged');
    assert.equal(buildUri(decoded), 'http://192.168.0.106:8004');
  });

  test('fields in Curator order, nulls written, compact; enabled only when false', () => {
    const i = buildInstance({ name: 'api', id: 'i-1', address: '10.0.0.5', port: 8080, registrationTimeUTC: 1700000000000 });
    const json = '{"name":"api","id":"i-1","address":"10.0.0.5","port":8080,"sslPort":null,"payload":null,"registrationTimeUTC":1700000000000,"serviceType":"DYNAMIC","uriSpec":null}';
    assert.equal(encodeInstance(i).toString(), json);
    assert.equal(encodeInstance({ ...i, enabled: false }).toString(), json.slice(0, -1) + ',"enabled":false}');
    assert.equal(decodeInstance(Buffer.from(json), '/p').enabled, true, 'a missing enabled reads as true');
    assert.equal(decodeInstance(encodeInstance({ ...i, enabled: false }), '/p').enabled, false);
  });

  test('payloads: any JSON value, kept as it was', () => {
    for (const payload of ['text', 42, [1, 'two'], ['java.util.ArrayList', ['a']], { nested: { deep: [true, null] } }, null]) {
      const i = buildInstance({ name: 's', address: 'h', payload });
      assert.deepEqual(decodeInstance(encodeInstance(i), '/p').payload, payload);
    }
  });

  test('lenient with unknown fields and Curator defaults, strict on the types of known ones', () => {
    const i = decodeInstance(Buffer.from('{"name":"s","id":"i","address":"h","extra":{"x":1},"future":[1]}'), '/p');
    assert.equal(i.port, null);
    assert.equal(i.serviceType, 'DYNAMIC');
    assert.equal(i.registrationTimeUTC, 0);
    assert.equal(i.uriSpec, null);
    assert.equal(i.payload, null);
    const cases: Array<[string, RegExp]> = [
      ['', /holds no data/],
      ['not json', /not JSON/],
      ['[1,2]', /not a JSON object/],
      ['"str"', /not a JSON object/],
      ['{"id":"i","address":"h"}', /"name" must be a string, not missing/],
      ['{"name":"s","id":7,"address":"h"}', /"id" must be a string, not 7/],
      ['{"name":"s","id":"i","address":"h","port":"80"}', /"port" must be an integer or null/],
      ['{"name":"s","id":"i","address":"h","port":1.5}', /"port"/],
      ['{"name":"s","id":"i","address":"h","serviceType":"ETERNAL"}', /"serviceType" must be one of DYNAMIC, DYNAMIC_SEQUENTIAL, STATIC, PERMANENT/],
      ['{"name":"s","id":"i","address":"h","registrationTimeUTC":"now"}', /"registrationTimeUTC"/],
      ['{"name":"s","id":"i","address":"h","uriSpec":"{scheme}"}', /"uriSpec"/],
      ['{"name":"s","id":"i","address":"h","uriSpec":{"parts":[{"value":1,"variable":true}]}}', /"uriSpec"/],
      ['{"name":"s","id":"i","address":"h","enabled":"yes"}', /"enabled" must be a boolean/],
    ];
    for (const [json, message] of cases) {
      assert.throws(bad(json, '/services/s/bad'), (e: unknown) => e instanceof InvalidInstanceError && e.path === '/services/s/bad' && message.test(e.message) && e.message.includes('/services/s/bad'), json);
    }
    assert.throws(() => decodeInstance(null, '/services/s/empty'), InvalidInstanceError);
  });
});

describe('uriSpec', () => {
  test('parses into literal and variable parts as Curator does', () => {
    assert.deepEqual(parseUriSpec('{scheme}://{address}:{port}/api').parts, [
      { value: 'scheme', variable: true },
      { value: '://', variable: false },
      { value: 'address', variable: true },
      { value: ':', variable: false },
      { value: 'port', variable: true },
      { value: '/api', variable: false },
    ]);
    assert.deepEqual(parseUriSpec('a{ port }b{}c').parts, [
      { value: 'a', variable: false },
      { value: 'port', variable: true },
      { value: 'b', variable: false },
      { value: 'c', variable: false },
    ], 'variable names are trimmed; {} yields no part');
    assert.deepEqual(parseUriSpec('').parts, []);
    assert.throws(() => parseUriSpec('{a{b}}'), /"\{" inside a variable/);
    assert.throws(() => parseUriSpec('a}'), /"\}" without "\{"/);
    assert.throws(() => parseUriSpec('{port'), /not closed/);
  });

  test("builds with Curator's variables; unknown variables become ''", () => {
    const i = buildInstance({ name: 'api', id: 'i-9', address: 'h.example', port: 80, sslPort: 443, serviceType: 'STATIC', registrationTimeUTC: 5, uriSpec: '{scheme}://{address}:{ssl-port}/{name}/{id}?t={registration-time-utc}&k={service-type}&p={port}{[}x{]}{nope}' });
    assert.equal(buildUri(i), 'https://h.example:443/api/i-9?t=5&k=static&p=80{x}');
    assert.equal(buildUri({ ...i, sslPort: null, uriSpec: parseUriSpec('{scheme}://{address}:{ssl-port}') }), 'http://h.example:', 'scheme is http without an sslPort; a null port is empty');
    assert.equal(buildUri(i, { scheme: 'grpc', nope: 'yes' }).slice(0, 7), 'grpc://', 'given variables override');
    assert.ok(buildUri(i, { nope: 'yes' }).endsWith('{x}yes'));
    assert.equal(buildUri({ ...i, uriSpec: null }), '', 'no uriSpec builds nothing');
  });
});

describe('checks', () => {
  test('bad service names and ids are rejected with clear errors', () => {
    for (const name of ['', '.', '..', 'a/b', '/lead', 'nul\u0000']) {
      assert.throws(() => validateServiceName(name), TypeError, JSON.stringify(name));
      assert.throws(() => buildInstance({ name: 'ok', id: name, address: 'h' }), /instance id/, JSON.stringify(name));
    }
    assert.throws(() => validateServiceName('a/b'), /service name "a\/b" must not contain "\/"/);
    assert.throws(() => validateServiceName(undefined as unknown as string), /non-empty string/);
    validateServiceName('my-service.v2');
  });

  test('new instances get Curator defaults; bad fields are refused', () => {
    const i = buildInstance({ name: 's', address: 'h' });
    assert.match(i.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(i.serviceType, 'DYNAMIC');
    assert.equal(i.enabled, true);
    assert.ok(Math.abs(i.registrationTimeUTC - Date.now()) < 5000);
    assert.throws(() => buildInstance({ name: 's', address: '' }), /address/);
    assert.throws(() => buildInstance({ name: 's', address: 'h', port: 70000 }), RangeError);
    assert.throws(() => buildInstance({ name: 's', address: 'h', sslPort: -1 }), /sslPort/);
    assert.throws(() => buildInstance({ name: 's', address: 'h', serviceType: 'FOREVER' as never }), /serviceType/);
    assert.throws(() => buildInstance({ name: 's', address: 'h', uriSpec: '{oops' }), /not closed/);
  });
});
