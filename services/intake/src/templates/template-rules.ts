import { matchesGroupMask } from '@tradewarden/mt5-webapi-protocol';
import { DecimalAmount, DecimalFormatError } from '@tradewarden/money';
import { operationV1, type intakeV1 } from '@tradewarden/proto';
import { paramsCaseOf } from '../catalogue/catalogue';
import { paramsFieldOf, type Issue, type MoneyMoved } from '../catalogue/operation-type';
import { camelCaseOf, isJsonObject, normalizedSpec, paramsJson, snakeCaseOf, specJson, type Json, type JsonObject } from './proto-json';

// How a template shapes the items of an operation made from it: the params it fixes and the limits it sets. Pure, so
// that single submissions and streamed batches apply exactly the same rules.

/** One item as the template constraints see it: its spec, its planned before/after and the money it moves. */
export interface TemplateItem {
  rowNumber: number;
  spec: operationV1.OperationItemSpec;
  before: Record<string, string>;
  after: Record<string, string>;
  moneyMoved?: MoneyMoved;
}

/** DecimalAmount refuses more fraction digits than asked for; 18 is the most it parses, so any valid amount fits. */
const COMPARISON_SCALE = 18;
const DECIMAL_TEXT = /^-?\d{1,30}(\.\d{1,18})?$/;

/** "name@version", as operations record the template they were made from. */
export function templateReference(template: Pick<intakeV1.OperationTemplate, 'name' | 'version'>): string {
  return `${template.name}@${template.version}`;
}

/** "name" (version 0: the latest) or "name@3"; undefined when the text is neither. */
export function parseTemplateReference(reference: string): { name: string; version: number } | undefined {
  const match = /^([^@]+)(?:@([1-9]\d{0,8}))?$/.exec(reference);
  if (!match) return undefined;
  return { name: match[1]!, version: match[2] === undefined ? 0 : Number(match[2]) };
}

/** Besides the fields proto JSON omits, an empty text (a blank CSV cell, say) or list leaves a field to the template. */
function isEmpty(value: Json): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Deep equality of proto JSON values; decimal texts compare by value, so "50" and "50.00" are the same amount. */
function sameValue(a: Json, b: Json): boolean {
  if (typeof a === 'string' && typeof b === 'string' && DECIMAL_TEXT.test(a) && DECIMAL_TEXT.test(b)) {
    return DecimalAmount.parse(a, COMPARISON_SCALE).compare(DecimalAmount.parse(b, COMPARISON_SCALE)) === 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((element, index) => sameValue(element, b[index]!));
  }
  if (isJsonObject(a) || isJsonObject(b)) {
    if (!isJsonObject(a) || !isJsonObject(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => a[key] !== undefined && b[key] !== undefined && sameValue(a[key], b[key]));
  }
  return a === b;
}

/** The template's fixed values laid over the item's, field by field (nested messages such as Money included). */
function mergeFixed(fixed: JsonObject, item: JsonObject, path: string, describe: (field: string, fixedValue: Json, itemValue: Json) => Issue): { merged: JsonObject; issues: Issue[] } {
  const merged: JsonObject = { ...item };
  const issues: Issue[] = [];
  for (const [key, fixedValue] of Object.entries(fixed)) {
    const field = `${path}.${snakeCaseOf(key)}`;
    const itemValue = item[key];
    if (itemValue === undefined || isEmpty(itemValue)) {
      merged[key] = fixedValue;
    } else if (isJsonObject(fixedValue) && isJsonObject(itemValue)) {
      const nested = mergeFixed(fixedValue, itemValue, field, describe);
      merged[key] = nested.merged;
      issues.push(...nested.issues);
    } else if (!sameValue(fixedValue, itemValue)) {
      issues.push(describe(field, fixedValue, itemValue));
    }
  }
  return { merged, issues };
}

/**
 * The item as the template makes it: every field the template fixes is filled in where the item left it empty; an
 * item giving another value is an issue (TEMPLATE_FIXED_FIELD) naming the field. `at` is the item's path
 * ("items[3]"). The spec comes back unchanged when the item carries another type's params (TEMPLATE_TYPE).
 */
export function applyTemplateFixed(template: intakeV1.OperationTemplate, spec: operationV1.OperationItemSpec, at: string): { spec: operationV1.OperationItemSpec; issues: Issue[] } {
  const reference = templateReference(template);
  const paramsField = paramsFieldOf(template.operationType);
  const given = paramsCaseOf(normalizedSpec(spec));
  if (given !== undefined && given !== paramsField) {
    return {
      spec,
      issues: [{ field: `${at}.${paramsField}`, code: 'TEMPLATE_TYPE', message: `template ${reference} makes ${template.operationType} items (${paramsField} params), not ${given}` }],
    };
  }
  const describe = (field: string, fixedValue: Json, itemValue: Json): Issue => ({
    field,
    code: 'TEMPLATE_FIXED_FIELD',
    message: `template ${reference} fixes this to ${JSON.stringify(fixedValue)}; the item gives ${JSON.stringify(itemValue)} (leave it empty or give the same value)`,
  });
  const issues: Issue[] = [];
  const item = specJson(spec);
  const merged: JsonObject = { ...item };
  const fixedServer = template.fixed?.serverId ?? '';
  if (fixedServer !== '') {
    if (spec.serverId === '') merged['serverId'] = fixedServer;
    else if (spec.serverId !== fixedServer) issues.push(describe(`${at}.server_id`, fixedServer, spec.serverId));
  }
  const fixedParams = template.fixed && paramsJson(template.fixed, paramsField);
  if (fixedParams) {
    const outcome = mergeFixed(fixedParams, paramsJson(spec, paramsField) ?? {}, `${at}.${paramsField}`, describe);
    merged[camelCaseOf(paramsField)] = outcome.merged;
    issues.push(...outcome.issues);
  }
  return { spec: operationV1.OperationItemSpec.fromJSON(merged), issues };
}

function amountOf(text: string): DecimalAmount | undefined {
  try {
    return DecimalAmount.parse(text, COMPARISON_SCALE);
  } catch (error) {
    if (error instanceof DecimalFormatError) return undefined;
    throw error;
  }
}

/**
 * The template's limits on one item, once it is planned: the money it moves (TEMPLATE_LIMIT), the group it touches
 * (TEMPLATE_GROUP) and its server (TEMPLATE_SERVER). `at` is the item's path ("items[3]").
 */
export function templateConstraintIssues(template: intakeV1.OperationTemplate, item: TemplateItem, at: string): Issue[] {
  const constraints = template.constraints;
  if (!constraints) return [];
  const reference = templateReference(template);
  const paramsAt = `${at}.${paramsFieldOf(template.operationType)}`;
  const issues: Issue[] = [];

  const limit = constraints.maxAmountPerItem;
  const moved = item.moneyMoved?.money;
  if (limit && moved) {
    if (moved.currency !== limit.currency) {
      issues.push({ field: `${paramsAt}.amount.currency`, code: 'TEMPLATE_LIMIT', message: `template ${reference} moves ${limit.currency} only, not ${moved.currency}` });
    } else {
      const amount = amountOf(moved.amount);
      const most = amountOf(limit.amount);
      // An amount that does not parse is the type's own static error; the limit has nothing to add to it.
      if (amount && most && amount.compare(most) > 0) {
        issues.push({ field: `${paramsAt}.amount.amount`, code: 'TEMPLATE_LIMIT', message: `template ${reference} moves at most ${limit.amount} ${limit.currency} per item` });
      }
    }
  }

  if (constraints.groupMasks.length > 0) {
    // An item touching two groups (an account moving between groups) must stay within the masks on both ends.
    const groups = new Set([item.before['group'], item.after['group']].filter((group): group is string => group !== undefined && group !== ''));
    const params = paramsJson(item.spec, paramsFieldOf(template.operationType));
    const paramsGroup = params?.['group'];
    const paramsLogin = params?.['login'];
    for (const group of groups) {
      if (constraints.groupMasks.some((mask) => matchesGroupMask(mask, group))) continue;
      // Point at what the caller wrote: the group itself, or the account whose group it is.
      const field = group === paramsGroup ? `${paramsAt}.group` : paramsLogin !== undefined ? `${paramsAt}.login` : paramsAt;
      issues.push({ field, code: 'TEMPLATE_GROUP', message: `group ${group} is outside template ${reference} (${constraints.groupMasks.join(' | ')})` });
    }
  }

  if (constraints.serverIds.length > 0 && !constraints.serverIds.includes(item.spec.serverId)) {
    issues.push({ field: `${at}.server_id`, code: 'TEMPLATE_SERVER', message: `template ${reference} is for servers ${constraints.serverIds.join(', ')} only` });
  }
  return issues;
}

/** The template's limit on the number of items of one operation (0: none). */
export function templateItemCountIssue(template: intakeV1.OperationTemplate, count: number): Issue | undefined {
  const maxItems = template.constraints?.maxItems ?? 0;
  if (maxItems <= 0 || count <= maxItems) return undefined;
  return { field: 'items', code: 'TEMPLATE_LIMIT', message: `template ${templateReference(template)} allows at most ${maxItems} items per operation, not ${count}` };
}
