#!/usr/bin/env node
// Runs the TypeScript sources directly: what you run is what the tests ran.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
