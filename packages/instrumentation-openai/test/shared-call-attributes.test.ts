import { describe, expect, it } from 'vitest';
import { serverAttributes } from '../src/server.js';
import {
  businessCallMetricAttributes,
  type SharedCallKey,
  sharedCallAttributes,
} from '../src/shared-call-attributes.js';

const server = serverAttributes('https://api.openai.com/v1').attributes;
const key: SharedCallKey = { operation: 'chat', providerName: 'openai', requestModel: 'gpt-4o' };

function common(k: SharedCallKey, on = server) {
  return {
    'gen_ai.operation.name': k.operation,
    'gen_ai.provider.name': k.providerName,
    'gen_ai.request.model': k.requestModel,
    ...on,
  };
}

function shared(k: SharedCallKey, on = server) {
  return sharedCallAttributes(on, k).metrics;
}

describe('metric attribute sets shared by calls without business keys', () => {
  it('are the same object for calls to the same server with the same operation, provider and model', () => {
    const first = shared(key);
    expect(shared({ ...key })).toBe(first);
    expect(first.forResponseModel(undefined).call).toEqual(common(key));
  });

  it('are never mixed across servers, operations, providers or request models', () => {
    const other = serverAttributes('http://localhost:4000').attributes;
    const variants = [
      shared(key),
      shared(key, other),
      shared({ ...key, operation: 'embeddings' }),
      shared({ ...key, providerName: 'openrouter' }),
      shared({ ...key, requestModel: 'gpt-4o-mini' }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    expect(variants.map((v) => v.forResponseModel(undefined).call)).toEqual([
      common(key),
      common(key, other),
      common({ ...key, operation: 'embeddings' }),
      common({ ...key, providerName: 'openrouter' }),
      common({ ...key, requestModel: 'gpt-4o-mini' }),
    ]);
  });

  it('stay bounded: past 256 request models per server the oldest sets are built anew', () => {
    const on = serverAttributes('http://bounded.example:8080').attributes;
    const first = shared({ ...key, requestModel: 'model-0' }, on);
    for (let i = 1; i < 256; i++) shared({ ...key, requestModel: `model-${i}` }, on);
    expect(shared({ ...key, requestModel: 'model-0' }, on)).toBe(first);
    shared({ ...key, requestModel: 'model-256' }, on);
    expect(shared({ ...key, requestModel: 'model-0' }, on)).not.toBe(first);
  });

  it('stay bounded: past 8 (operation, provider) pairs per model the oldest are built anew', () => {
    const on = serverAttributes('http://pairs.example:8080').attributes;
    const first = shared({ ...key, providerName: 'p0' }, on);
    for (let i = 1; i < 8; i++) shared({ ...key, providerName: `p${i}` }, on);
    expect(shared({ ...key, providerName: 'p0' }, on)).toBe(first);
    shared({ ...key, providerName: 'p8' }, on);
    expect(shared({ ...key, providerName: 'p0' }, on)).not.toBe(first);
  });
});

describe('span start shared by calls without business keys', () => {
  it('names the span and carries exactly the sampling attributes, frozen', () => {
    const first = sharedCallAttributes(server, key);
    expect(first.spanName).toBe('chat gpt-4o');
    expect(first.attributes).toEqual(common(key));
    expect(Object.isFrozen(first.attributes)).toBe(true);
    expect(sharedCallAttributes(server, { ...key, requestModel: '' }).spanName).toBe('chat');
  });
});

describe('metric attribute sets of calls with business keys on metrics', () => {
  it('are shared by calls with the same business values, and carry them with the call attributes', () => {
    const on = sharedCallAttributes(server, key);
    const first = businessCallMetricAttributes(on, { 'app.tenant': 'acme', 'app.tier': 1 });
    expect(businessCallMetricAttributes(on, { 'app.tenant': 'acme', 'app.tier': 1 })).toBe(first);
    expect(first.forResponseModel(undefined).call).toEqual({
      'app.tenant': 'acme',
      'app.tier': 1,
      ...common(key),
    });
  });

  it('are never mixed across business values, their types or keys, nor with the sets without business keys', () => {
    const on = sharedCallAttributes(server, key);
    const variants = [
      on.metrics,
      businessCallMetricAttributes(on, { 'app.tenant': 'acme' }),
      businessCallMetricAttributes(on, { 'app.tenant': 'other' }),
      businessCallMetricAttributes(on, { 'app.feature': 'acme' }),
      businessCallMetricAttributes(on, { 'app.tier': 1 }),
      businessCallMetricAttributes(on, { 'app.tier': '1' }),
      businessCallMetricAttributes(sharedCallAttributes(server, { ...key, requestModel: 'o3' }), {
        'app.tenant': 'acme',
      }),
    ];
    expect(new Set(variants).size).toBe(variants.length);
    expect(variants[5]!.forResponseModel(undefined).call['app.tier']).toBe('1');
  });

  it('stay bounded: past 256 business value sets the oldest are built anew', () => {
    const on = sharedCallAttributes(serverAttributes('http://tenants.example:8080').attributes, key);
    const first = businessCallMetricAttributes(on, { 'app.tenant': 't0' });
    for (let i = 1; i < 256; i++) businessCallMetricAttributes(on, { 'app.tenant': `t${i}` });
    expect(businessCallMetricAttributes(on, { 'app.tenant': 't0' })).toBe(first);
    businessCallMetricAttributes(on, { 'app.tenant': 't256' });
    expect(businessCallMetricAttributes(on, { 'app.tenant': 't0' })).not.toBe(first);
  });
});
