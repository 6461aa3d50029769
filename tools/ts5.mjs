/**
 * Lint tools (dependency-cruiser, typescript-eslint) need TypeScript's JS API, which the project's compiler
 * (typescript 7, native) does not have. Preloaded with `node --import ./tools/ts5.mjs`, this sends their
 * `typescript` imports and requires to the `typescript-5` package (typescript@5.9); `npm run build` keeps tsc 7.
 */
import Module, { register } from 'node:module';

const hook = `export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' || specifier.startsWith('typescript/'))
    specifier = specifier.replace(/^typescript/, 'typescript-5');
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'typescript' || request.startsWith('typescript/'))
    request = request.replace(/^typescript/, 'typescript-5');
  return resolve.call(this, request, ...rest);
};
