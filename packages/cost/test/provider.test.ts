import { describe, expect, it } from 'vitest';
import { inferProvider } from '../src/index.js';

const RELAY = 'https://llm-relay.example.com/v1';

describe('inferProvider', () => {
  it.each([
    ['https://api.openai.com/v1', 'gpt-4o', 'openai', 'openai'],
    ['https://api.anthropic.com/v1/', 'claude-sonnet-4-5', 'anthropic', 'anthropic'],
    ['https://generativelanguage.googleapis.com/v1beta/openai/', 'gemini-2.5-flash', 'gcp.gemini', 'google'],
    [
      'https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/endpoints/openapi',
      'google/gemini-2.5-flash',
      'gcp.vertex_ai',
      'google',
    ],
    ['https://api.deepseek.com', 'deepseek-chat', 'deepseek', 'deepseek'],
    ['https://api.mistral.ai/v1', 'mistral-large-latest', 'mistral_ai', 'mistral'],
    ['https://api.groq.com/openai/v1', 'llama-3.3-70b-versatile', 'groq', 'groq'],
    ['https://api.x.ai/v1', 'grok-4', 'x_ai', 'x-ai'],
    ['https://my-resource.openai.azure.com/openai/deployments/prod', 'gpt-4o', 'azure.ai.openai', 'azure'],
    ['https://my-resource.services.ai.azure.com/models', 'gpt-4o', 'azure.ai.inference', 'azure'],
    [
      'https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1',
      'openai.gpt-oss-120b-1:0',
      'aws.bedrock',
      'aws',
    ],
    ['https://api.perplexity.ai', 'sonar', 'perplexity', 'perplexity'],
  ])('a known provider host decides: %s', (baseUrl, model, semconv, pricing) => {
    expect(inferProvider({ model, baseUrl })).toEqual({ semconv, pricing, source: 'host' });
  });

  it('a known host wins over the model family (Claude served by Azure is azure)', () => {
    expect(inferProvider({ model: 'claude-sonnet-4-5', baseUrl: 'https://x.openai.azure.com' })).toEqual({
      semconv: 'azure.ai.openai',
      pricing: 'azure',
      source: 'host',
    });
  });

  it('an aggregator host prices with its own table and names the provider by model family', () => {
    expect(
      inferProvider({ model: 'anthropic/claude-sonnet-4.5', baseUrl: 'https://openrouter.ai/api/v1' }),
    ).toEqual({
      semconv: 'anthropic',
      pricing: 'openrouter',
      source: 'host',
    });
    expect(inferProvider({ model: 'mystery-model', baseUrl: 'https://api.together.xyz/v1' })).toEqual({
      semconv: '_OTHER',
      pricing: 'together',
      source: 'host',
    });
  });

  it.each([
    ['claude-3-5-sonnet-20241022', 'anthropic', 'anthropic'],
    ['gemini-2.5-flash', 'gcp.gemini', 'google'],
    ['gpt-4o', 'openai', 'openai'],
    ['gpt-4o-2024-08-06', 'openai', 'openai'],
    ['chatgpt-4o-latest', 'openai', 'openai'],
    ['o1-mini', 'openai', 'openai'],
    ['o3', 'openai', 'openai'],
    ['o4-mini', 'openai', 'openai'],
    ['text-embedding-3-small', 'openai', 'openai'],
    ['deepseek-reasoner', 'deepseek', 'deepseek'],
    ['mistral-small-latest', 'mistral_ai', 'mistral'],
    ['codestral-latest', 'mistral_ai', 'mistral'],
    ['grok-4', 'x_ai', 'x-ai'],
    ['command-r-plus', 'cohere', 'cohere'],
    ['sonar-pro', 'perplexity', 'perplexity'],
    ['anthropic/claude-sonnet-4.5', 'anthropic', 'anthropic'],
    ['models/gemini-2.5-pro', 'gcp.gemini', 'google'],
    ['Claude-Sonnet-4-5', 'anthropic', 'anthropic'],
  ])('a relay host is named by the model family: %s', (model, semconv, pricing) => {
    expect(inferProvider({ model, baseUrl: RELAY })).toEqual({ semconv, pricing, source: 'model' });
  });

  it.each([
    'llama-3.3-70b',
    'meta-llama/Llama-3.1-8B-Instruct',
    'qwen3-32b',
    'gemma-3-27b-it',
    'gpt-oss-120b',
  ])('an open-weights model through a relay has no provider name and no pricing provider: %s', (model) => {
    expect(inferProvider({ model, baseUrl: RELAY })).toEqual({
      semconv: '_OTHER',
      pricing: undefined,
      source: 'model',
    });
  });

  it('a local server (fake LLM) is a relay too', () => {
    expect(inferProvider({ model: 'gpt-4o-mini', baseUrl: 'http://127.0.0.1:40123/v1' })).toEqual({
      semconv: 'openai',
      pricing: 'openai',
      source: 'model',
    });
  });

  it('an unknown model on an unknown host is _OTHER, left to the table to match by name', () => {
    expect(inferProvider({ model: 'my-model', baseUrl: RELAY })).toEqual({
      semconv: '_OTHER',
      pricing: undefined,
      source: 'default',
    });
  });

  it('without a base URL an unknown model defaults to openai, the SDK default host', () => {
    expect(inferProvider({ model: 'my-model' })).toEqual({
      semconv: 'openai',
      pricing: undefined,
      source: 'default',
    });
    expect(inferProvider({ model: 'claude-sonnet-4-5' })).toEqual({
      semconv: 'anthropic',
      pricing: 'anthropic',
      source: 'model',
    });
  });

  it('copes with a malformed base URL and missing model without throwing', () => {
    expect(inferProvider({ model: 'gpt-4o', baseUrl: 'not a url' })).toEqual({
      semconv: 'openai',
      pricing: 'openai',
      source: 'model',
    });
    expect(inferProvider({})).toEqual({ semconv: 'openai', pricing: undefined, source: 'default' });
    expect(inferProvider({ model: 42 as unknown as string, baseUrl: 7 as unknown as string })).toEqual({
      semconv: 'openai',
      pricing: undefined,
      source: 'default',
    });
  });

  it('accepts the positional form inferProvider(model, baseUrl)', () => {
    expect(inferProvider('claude-sonnet-4-5', RELAY)).toBe(
      inferProvider({ model: 'claude-sonnet-4-5', baseUrl: RELAY }),
    );
    expect(inferProvider('gpt-4o')).toEqual({ semconv: 'openai', pricing: 'openai', source: 'model' });
    expect(inferProvider(null as unknown as string)).toEqual({
      semconv: 'openai',
      pricing: undefined,
      source: 'default',
    });
  });

  it('returns the same frozen object for a repeated call (no allocation on the hot path)', () => {
    const first = inferProvider({ model: 'gpt-4o', baseUrl: 'https://api.openai.com/v1' });
    expect(inferProvider({ model: 'gpt-4o', baseUrl: 'https://api.openai.com/v1' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
