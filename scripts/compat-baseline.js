// Makes the current assembly (.jsii, from `npx projen compile`) the API that
// jsii-diff compares every later change with (compat/assembly.json and
// compat/package.json, read by scripts/compat.sh). Run it after
// publishing a release, with that release's version:
// `npx projen compat:baseline 0.2.0`.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const pkg = require(path.join(root, 'package.json'));
const version = process.argv[2];
if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) {
  console.error('usage: compat-baseline.js VERSION (the version just released, e.g. 0.2.0)');
  process.exit(2);
}
const dir = path.join(root, 'compat');
fs.mkdirSync(dir, { recursive: true });
fs.copyFileSync(path.join(root, '.jsii'), path.join(dir, 'assembly.json'));
fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
  name: pkg.name,
  version,
  description: 'The API of the last release, for jsii-diff (npx projen compat): replaced by each release',
  license: pkg.license,
  jsii: pkg.jsii,
  types: 'lib/index.d.ts',
  peerDependencies: pkg.peerDependencies,
}, undefined, 2) + '\n');
console.log(`compat/ now holds the API of ${pkg.name} ${version}`);
