import * as fs from 'fs';

/**
 * An ECR lifecycle policy in ECR's own JSON format, as stored in the repository.
 * See https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
 */
export interface LifecyclePolicyDocument {
  readonly rules: readonly { readonly [key: string]: unknown }[];
}

const TAG_STATUSES = ['tagged', 'untagged', 'any'];
const COUNT_TYPES = ['imageCountMoreThan', 'sinceImagePushed'];

/** The default policy: keep the newest `maxImageCount` images, whatever their tags. */
export function defaultLifecyclePolicy(maxImageCount: number): LifecyclePolicyDocument {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Keep only the newest ${maxImageCount} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: maxImageCount },
        action: { type: 'expire' },
      },
    ],
  };
}

/** Result of reading a policy file: the policy when it is valid, otherwise the problems found. */
export interface LoadedLifecyclePolicy {
  readonly policy?: LifecyclePolicyDocument;
  readonly problems: string[];
}

/** Reads `file` and checks it is a valid ECR lifecycle policy; problems name `lifecyclePolicyFile`. */
export function loadLifecyclePolicyFile(file: string): LoadedLifecyclePolicy {
  const prop = `\`lifecyclePolicyFile\` (${file})`;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    return { problems: [`${prop} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): give the path of an existing JSON file, relative to the CDK app's working directory`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { problems: [`${prop} is not valid JSON (${(e as Error).message}): it must hold an ECR lifecycle policy such as {"rules": [...]}`] };
  }
  const problems = lifecyclePolicyProblems(parsed).map((p) => `${prop} ${p}`);
  return problems.length ? { problems } : { policy: parsed as LifecyclePolicyDocument, problems };
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

/** Checks a parsed document against ECR's lifecycle policy rules; returns one message per problem. */
export function lifecyclePolicyProblems(doc: unknown): string[] {
  if (!isObject(doc) || !Array.isArray(doc.rules) || doc.rules.length === 0) {
    return ['must be an object with a non-empty "rules" array, e.g. {"rules": [{"rulePriority": 1, "selection": {...}, "action": {"type": "expire"}}]}'];
  }
  const problems: string[] = [];
  const priorities = new Map<number, number>();
  let anyRulePriority: number | undefined;
  let maxPriority = 0;
  doc.rules.forEach((rule: unknown, i: number) => {
    const at = `rule ${i + 1}`;
    if (!isObject(rule)) {
      problems.push(`${at} must be an object`);
      return;
    }
    if (!isPositiveInteger(rule.rulePriority)) {
      problems.push(`${at} has rulePriority ${JSON.stringify(rule.rulePriority)}: it must be a unique integer of 1 or more`);
    } else {
      if (priorities.has(rule.rulePriority)) {
        problems.push(`${at} repeats rulePriority ${rule.rulePriority} of rule ${priorities.get(rule.rulePriority)}: priorities must be unique`);
      }
      priorities.set(rule.rulePriority, i + 1);
      maxPriority = Math.max(maxPriority, rule.rulePriority);
    }
    const action = rule.action;
    if (!isObject(action) || action.type !== 'expire') {
      problems.push(`${at} has action ${JSON.stringify(action)}: it must be {"type": "expire"}`);
    }
    const sel = rule.selection;
    if (!isObject(sel)) {
      problems.push(`${at} has no "selection" object`);
      return;
    }
    if (typeof sel.tagStatus !== 'string' || !TAG_STATUSES.includes(sel.tagStatus)) {
      problems.push(`${at} has tagStatus ${JSON.stringify(sel.tagStatus)}: valid values are ${TAG_STATUSES.join(', ')}`);
    }
    if (sel.tagStatus === 'any' && isPositiveInteger(rule.rulePriority)) anyRulePriority = rule.rulePriority;
    const prefixes = sel.tagPrefixList;
    const patterns = sel.tagPatternList;
    if (sel.tagStatus === 'tagged' && !(Array.isArray(prefixes) && prefixes.length) && !(Array.isArray(patterns) && patterns.length)) {
      problems.push(`${at} selects tagStatus "tagged" without a non-empty tagPrefixList or tagPatternList`);
    }
    if (typeof sel.countType !== 'string' || !COUNT_TYPES.includes(sel.countType)) {
      problems.push(`${at} has countType ${JSON.stringify(sel.countType)}: valid values are ${COUNT_TYPES.join(', ')}`);
    }
    if (!isPositiveInteger(sel.countNumber)) {
      problems.push(`${at} has countNumber ${JSON.stringify(sel.countNumber)}: it must be an integer of 1 or more`);
    }
    if (sel.countType === 'sinceImagePushed' && sel.countUnit !== 'days') {
      problems.push(`${at} has countUnit ${JSON.stringify(sel.countUnit)}: countType sinceImagePushed needs "countUnit": "days"`);
    }
    if (sel.countType === 'imageCountMoreThan' && sel.countUnit !== undefined) {
      problems.push(`${at} has countUnit ${JSON.stringify(sel.countUnit)}: countType imageCountMoreThan takes no countUnit`);
    }
  });
  if (anyRulePriority !== undefined && anyRulePriority !== maxPriority) {
    problems.push(`has a tagStatus "any" rule with rulePriority ${anyRulePriority}: ECR requires it to have the highest rulePriority (${maxPriority} here)`);
  }
  return problems;
}
