import { describe, expect, it } from 'vitest';
import { serverAttributes } from '../src/server.js';

describe('serverAttributes', () => {
  it('reads host and port, with the scheme default port when none is given', () => {
    expect(serverAttributes('https://api.openai.com/v1').attributes).toEqual({
      'server.address': 'api.openai.com',
      'server.port': 443,
    });
    expect(serverAttributes('http://localhost/v1').attributes).toEqual({
      'server.address': 'localhost',
      'server.port': 80,
    });
    expect(serverAttributes('http://127.0.0.1:8787/v1').attributes).toEqual({
      'server.address': '127.0.0.1',
      'server.port': 8787,
    });
  });

  it('gives IPv6 addresses without brackets', () => {
    expect(serverAttributes('http://[::1]:9000/v1').attributes['server.address']).toBe('::1');
  });

  it('gives nothing for a missing or unparsable base URL', () => {
    expect(serverAttributes(undefined).attributes).toEqual({});
    expect(serverAttributes('not a url').attributes).toEqual({});
  });
});
