import { matchesGroupMask } from '@tradewarden/mt5-webapi-protocol';
import { intakeV1, type operationV1 } from '@tradewarden/proto';
import { CATALOGUE, paramsCaseOf } from '../catalogue/catalogue';
import { positiveMoney, text } from '../catalogue/field-rules';
import { paramsFieldOf, type Issue } from '../catalogue/operation-type';
import { isJsonObject, paramsJson, snakeCaseOf, type JsonObject } from './proto-json';

// What SaveTemplate accepts. Every problem names its field under "template.", so an admin can fix them all at once.

export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** The planner's rule for server registry ids (catalogue/operation-planner.ts). */
const SERVER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const MAX_DESCRIPTION = 1024;
const MAX_APPROVAL_POLICY = 64;
const MAX_GROUP_MASK = 255;

/** The request paths of the fields a partial params message sets, down to the leaves ("amount.currency", "add"). */
function presentFieldPaths(json: JsonObject, prefix: string): string[] {
  return Object.entries(json).flatMap(([key, value]) => {
    const path = `${prefix}.${snakeCaseOf(key)}`;
    return isJsonObject(value) && Object.keys(value).length > 0 ? presentFieldPaths(value, path) : [path];
  });
}

const isWithin = (field: string, path: string) => field === path || field.startsWith(`${path}.`) || field.startsWith(`${path}[`);

/**
 * The fixed params are partial: the items supply the rest. The type's own rules run on them, and only the problems of
 * fields the template sets are kept ("login is required" is the items' business, "amount.currency XYZ" is not). Each
 * item is checked in full again once the template's values are laid over it.
 */
function fixedIssues(operationType: string, fixed: operationV1.OperationItemSpec): Issue[] {
  const issues: Issue[] = [];
  if (fixed.serverId !== '' && !SERVER_ID.test(fixed.serverId)) {
    issues.push({ field: 'template.fixed.server_id', code: 'FORMAT', message: 'must be a server registry id (lower-case letters, digits, dashes)' });
  }
  const type = CATALOGUE.get(operationType);
  if (!type) return issues;
  const paramsField = paramsFieldOf(operationType);
  const given = paramsCaseOf(fixed);
  if (given === undefined) return issues;
  if (given !== paramsField) {
    issues.push({ field: `template.fixed.${given}`, code: 'TEMPLATE_TYPE', message: `a ${operationType} template fixes ${paramsField} params only` });
    return issues;
  }
  const at = `template.fixed.${paramsField}`;
  const params: unknown = type.params(fixed);
  const present = presentFieldPaths(paramsJson(fixed, paramsField) ?? {}, at);
  const typeIssues = type.validate(params, at).filter((issue) => present.some((path) => isWithin(issue.field, path)));
  return [...issues, ...typeIssues];
}

function constraintIssues(operationType: string, constraints: intakeV1.TemplateConstraints, fixedServer: string): Issue[] {
  const at = 'template.constraints';
  const issues: Issue[] = [];
  if (constraints.maxAmountPerItem) {
    const moneyIssue = positiveMoney(constraints.maxAmountPerItem, `${at}.max_amount_per_item`);
    if (moneyIssue) issues.push(moneyIssue);
    const type = CATALOGUE.get(operationType);
    if (type && !type.moneyMoved) {
      issues.push({ field: `${at}.max_amount_per_item`, code: 'NOT_APPLICABLE', message: `${operationType} items move no money` });
    }
  }
  constraints.groupMasks.forEach((mask, index) => {
    const field = `${at}.group_masks[${index}]`;
    if (mask.trim() === '') issues.push({ field, code: 'REQUIRED', message: 'must be a group mask such as "real\\\\*" (not empty)' });
    else {
      const textIssue = text(mask, field, MAX_GROUP_MASK);
      if (textIssue) issues.push(textIssue);
      // A mask made only of exclusions matches nothing, so every item would be refused.
      else if (mask.split(',').every((pattern) => pattern.trim() === '' || pattern.trim().startsWith('!'))) {
        issues.push({ field, code: 'FORMAT', message: 'must include at least one group pattern (a mask of exclusions only matches nothing)' });
      }
    }
  });
  constraints.serverIds.forEach((serverId, index) => {
    if (!SERVER_ID.test(serverId)) {
      issues.push({ field: `${at}.server_ids[${index}]`, code: 'FORMAT', message: 'must be a server registry id (lower-case letters, digits, dashes)' });
    }
  });
  if (fixedServer !== '' && constraints.serverIds.length > 0 && !constraints.serverIds.includes(fixedServer)) {
    issues.push({ field: `${at}.server_ids`, code: 'CONFLICT', message: `the template fixes server ${fixedServer}, which is not among these` });
  }
  if (!Number.isInteger(constraints.maxItems) || constraints.maxItems < 0) {
    issues.push({ field: `${at}.max_items`, code: 'RANGE', message: 'must be 0 (no limit) or more' });
  }
  return issues;
}

/** Every problem of a template as SaveTemplate receives it; version and authorship are not the caller's to set. */
export function templateIssues(given: intakeV1.OperationTemplate): Issue[] {
  // As gRPC decoded it, a template has nulls for absent messages; fromPartial gives the form the checks expect.
  const template = intakeV1.OperationTemplate.fromPartial(given);
  const issues: Issue[] = [];
  if (!TEMPLATE_NAME.test(template.name)) {
    issues.push({ field: 'template.name', code: 'FORMAT', message: 'must be 1-64 characters: lower-case letters, digits, ".", "_", "-", starting with a letter or digit' });
  }
  if (!CATALOGUE.has(template.operationType)) {
    issues.push({
      field: 'template.operation_type',
      code: 'UNSUPPORTED',
      message: `"${template.operationType}" is not an operation type (known: ${[...CATALOGUE.keys()].join(', ')})`,
    });
  }
  const descriptionIssue = text(template.description, 'template.description', MAX_DESCRIPTION);
  if (descriptionIssue) issues.push(descriptionIssue);
  const policyIssue = text(template.approvalPolicy, 'template.approval_policy', MAX_APPROVAL_POLICY);
  if (policyIssue) issues.push(policyIssue);
  if (template.fixed) issues.push(...fixedIssues(template.operationType, template.fixed));
  if (template.constraints) issues.push(...constraintIssues(template.operationType, template.constraints, template.fixed?.serverId ?? ''));
  const groupConflict = fixedGroupOutsideMasks(template);
  if (groupConflict) issues.push(groupConflict);
  return issues;
}

/** A fixed group must lie within the template's own masks, or every item made from it would be refused. */
function fixedGroupOutsideMasks(template: intakeV1.OperationTemplate): Issue | undefined {
  const masks = template.constraints?.groupMasks ?? [];
  const paramsField = paramsFieldOf(template.operationType);
  const group = template.fixed && paramsJson(template.fixed, paramsField)?.['group'];
  if (masks.length === 0 || typeof group !== 'string' || group === '' || masks.some((mask) => matchesGroupMask(mask, group))) return undefined;
  return { field: `template.fixed.${paramsField}.group`, code: 'CONFLICT', message: `group ${group} is outside the template's own group_masks` };
}
