// ../streaming.test.ts again, against openai 6.x.
import './use-openai6.js';
import '../streaming.test.js';
