// Preloaded with `node --require` (through NODE_OPTIONS) to run a TypeScript
// CDK app on the aws-cdk-lib floor: every `aws-cdk-lib` module resolves to the
// `aws-cdk-lib-floor` alias in node_modules, the version the Python and Java
// consumers install, so the three templates can be compared.
const Module = require('module');

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/')) {
    request = `aws-cdk-lib-floor${request.slice('aws-cdk-lib'.length)}`;
  }
  return resolve.call(this, request, ...rest);
};
