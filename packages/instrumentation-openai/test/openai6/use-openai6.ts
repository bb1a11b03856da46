// Imported first by the files beside it: their beds load openai 6.x instead of 7.x.
import { suite } from '../harness.js';

suite.openai = 'openai6';
