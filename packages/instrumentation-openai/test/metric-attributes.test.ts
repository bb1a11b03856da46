import { describe, expect, it } from 'vitest';
import { CallMetricAttributes } from '../src/metric-attributes.js';

const call = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
};

describe('metric attribute sets', () => {
  it('adds the response model, and token types or error.type, to the call attributes', () => {
    const set = new CallMetricAttributes(call).forResponseModel('gpt-4o-2024-08-06');
    const withModel = { ...call, 'gen_ai.response.model': 'gpt-4o-2024-08-06' };
    expect(set.call).toEqual(withModel);
    expect(set.input).toEqual({ ...withModel, 'gen_ai.token.type': 'input' });
    expect(set.output).toEqual({ ...withModel, 'gen_ai.token.type': 'output' });
    expect(set.tokenType('cache_read')).toEqual({ ...withModel, 'gen_ai.token.type': 'cache_read' });
    expect(set.failed('429')).toEqual({ ...withModel, 'error.type': '429' });
  });

  it('has no gen_ai.response.model when the response model is unknown', () => {
    const set = new CallMetricAttributes(call).forResponseModel(undefined);
    expect(set.call).toEqual(call);
    expect(set.failed('timeout')).toEqual({ ...call, 'error.type': 'timeout' });
  });

  it('builds each object once and shares it, frozen, without changing the given attributes', () => {
    const given = { ...call };
    const sets = new CallMetricAttributes(given);
    const set = sets.forResponseModel('m');
    expect(sets.forResponseModel('m')).toBe(set);
    expect(set.failed('500')).toBe(set.failed('500'));
    expect(set.tokenType('reasoning')).toBe(set.tokenType('reasoning'));
    expect(
      Object.isFrozen(set.call) && Object.isFrozen(set.input) && Object.isFrozen(set.failed('500')),
    ).toBe(true);
    expect(given).toEqual(call);
  });
});
