// ../dialects.test.ts again, against openai 6.x.
import './use-openai6.js';
import '../dialects.test.js';
