// Makes the current assembly (.jsii, from `npx projen compile`) the API that
// jsii-diff compares every later change with (compat/baseline). Run it in the
// release commit, after publishing: `npx projen compat:baseline`.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf-8'));
const dir = path.join(root, 'compat', 'baseline');
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(path.join(root, '.jsii'), path.join(dir, '.jsii'));
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
  name: pkg.name,
  version: assembly.version,
  description: 'The API of the last release, for jsii-diff (npx projen compat): replaced by each release',
  license: pkg.license,
  jsii: pkg.jsii,
  types: 'lib/index.d.ts',
  peerDependencies: pkg.peerDependencies,
}, undefined, 2) + '\n');
console.log(`compat/baseline is now the API of ${pkg.name} ${assembly.version}`);
