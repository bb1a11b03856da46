import { describe, expect, it } from 'vitest';
import { rebuild } from '../src/rebuilt-response.js';

const original = () =>
  new Response('{"a":1}', {
    status: 201,
    statusText: 'Created',
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_1' },
  });

describe('rebuild', () => {
  it('keeps the status and every header over the new body, and is a Response', async () => {
    const response = rebuild(original(), 'other body');
    expect(response).toBeInstanceOf(Response);
    expect([response.status, response.statusText, response.ok]).toEqual([201, 'Created', true]);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(await response.text()).toBe('other body');
  });

  it('types a blob by the content type, as the original would', async () => {
    const blob = await rebuild(original(), 'x').blob();
    expect(blob.type).toMatch(/^application\/json/);
    expect(blob.type).toBe((await original().blob()).type);
  });

  it('answers with the given headers when they are not the original ones', () => {
    const headers = new Headers({ 'x-aiotel-fallback-from': 'gpt-4o' });
    expect(rebuild(original(), 'x', headers).headers.get('x-aiotel-fallback-from')).toBe('gpt-4o');
  });

  it('clones with every header, both copies readable', async () => {
    const response = rebuild(original(), 'twice');
    const copy = response.clone();
    expect(copy.headers.get('x-request-id')).toBe('req_1');
    expect(copy.status).toBe(201);
    expect([await copy.text(), await response.text()]).toEqual(['twice', 'twice']);
  });
});
