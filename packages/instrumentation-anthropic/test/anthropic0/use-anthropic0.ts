// Imported first by the files beside it: their beds load @anthropic-ai/sdk 0.x (the previous major) instead of 1.x.
import { suite } from '../harness.js';

suite.sdk = 'anthropic0';
