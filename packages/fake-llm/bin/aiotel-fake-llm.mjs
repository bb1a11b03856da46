#!/usr/bin/env node
// A committed shim, so that installing the workspace links the bin before any build has made dist/.
import '../dist/cli.mjs';
