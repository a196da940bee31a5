#!/usr/bin/env node
// The `cdk-django-fargate` command shipped with the npm package:
//   npx cdk-django-fargate cost cdk.out/MyStack.template.json
import * as fs from 'fs';
import { estimateIdleMonthlyCost, type CfnTemplate } from './estimate';
import { formatEstimate } from './format';

const USAGE = `usage: cdk-django-fargate cost [--json] <template.json>...

Prints the idle monthly cost of synthesized CloudFormation templates
(e.g. cdk.out/MyStack.template.json after \`cdk synth\`) at us-east-1 list prices.`;

/** Runs the command; returns the exit code. Output goes through `print`. */
export function main(
  args: readonly string[],
  print: (text: string) => void = console.log,
  printError: (text: string) => void = console.error,
): number {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    print(USAGE);
    return 0;
  }
  const json = rest.includes('--json');
  const files = rest.filter((a) => a !== '--json');
  if (command !== 'cost' || files.length === 0 || files.some((f) => f.startsWith('-'))) {
    printError(USAGE);
    return 2;
  }
  const outputs: string[] = [];
  const estimates: { [file: string]: unknown } = {};
  for (const file of files) {
    let template: CfnTemplate;
    try {
      template = JSON.parse(fs.readFileSync(file, 'utf-8'));
    } catch (e) {
      printError(`cdk-django-fargate cost: cannot read ${file} as a JSON template: ${(e as Error).message}`);
      return 1;
    }
    if (typeof template !== 'object' || template === null || typeof template.Resources !== 'object') {
      printError(`cdk-django-fargate cost: ${file} has no Resources: is it a CloudFormation template?`);
      return 1;
    }
    const estimate = estimateIdleMonthlyCost(template);
    estimates[file] = estimate;
    outputs.push(formatEstimate(estimate, file));
  }
  print(json ? JSON.stringify(estimates, undefined, 2) : outputs.join('\n\n'));
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
