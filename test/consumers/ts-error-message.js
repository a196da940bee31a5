// Writes the validation message the TypeScript library (lib/, as compiled by
// jsii) throws for the props every consumer checks, into the file argv[2].
// The Python and Java consumers build the very same construct and must
// surface this exact text. Keep the three in step:
//   test/consumers/python/app.py        (check_invalid_capacity)
//   test/consumers/java/.../DjangoExampleApp.java (checkInvalidCapacity)
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const { App, Stack } = require(require.resolve('aws-cdk-lib', { paths: [root] }));
const { DjangoFargateEnvironment } = require(path.join(root, 'lib'));

const out = process.argv[2];
if (!out) {
  console.error('usage: node ts-error-message.js <output-file>');
  process.exit(2);
}

const app = new App();
const stack = new Stack(app, 'DjangoExample');
try {
  new DjangoFargateEnvironment(stack, 'Production', {
    project: 'team-task',
    environment: 'production',
    minCapacity: 3,
    maxCapacity: 2,
  });
} catch (e) {
  fs.writeFileSync(out, e.message);
  process.exit(0);
}
console.error('the TypeScript library accepted minCapacity 3 > maxCapacity 2: expected a validation error');
process.exit(1);
