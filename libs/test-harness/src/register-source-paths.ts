import { resolve } from 'node:path';
import { register } from 'tsconfig-paths';

// Jest's globalSetup runs outside the test sandbox, where moduleNameMapper does not apply: resolve @tradewarden/*
// to the TypeScript sources (which Jest's transform compiles) the way tsconfig.base.json does.
register({ baseUrl: resolve(__dirname, '..', '..', '..'), paths: { '@tradewarden/*': ['libs/*/src/index'] } });
