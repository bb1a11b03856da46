// ../usage-unknown.test.ts again, against @anthropic-ai/sdk 0.x.
import './use-anthropic0.js';
import '../usage-unknown.test.js';
