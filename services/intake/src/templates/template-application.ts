import type { intakeV1 } from '@tradewarden/proto';
import type { OperationPlanner, OperationRequest, PlannedOperation } from '../catalogue/operation-planner';
import type { Issue } from '../catalogue/operation-type';
import { applyTemplateFixed, templateConstraintIssues, templateItemCountIssue } from './template-rules';

/** A template's problems with the request as a whole: another operation type, too many items. */
export function templateRequestIssues(template: intakeV1.OperationTemplate, operationType: string, itemCount: number): Issue[] {
  const issues: Issue[] = [];
  if (template.operationType !== operationType) {
    issues.push({ field: 'template', code: 'TEMPLATE_TYPE', message: `template ${template.name}@${template.version} is for ${template.operationType}, not ${operationType}` });
  }
  const count = templateItemCountIssue(template, itemCount);
  if (count) issues.push(count);
  return issues;
}

/**
 * Plans items under a template: each item first gets the template's fixed params (a different value is an error), then
 * is planned as usual, then its plan is held to the template's constraints (amount, groups, servers).
 */
export async function planWithTemplate(
  planner: OperationPlanner,
  template: intakeV1.OperationTemplate | undefined,
  request: OperationRequest,
  firstRow = 1,
  maxItems?: number,
): Promise<PlannedOperation> {
  if (!template) return planner.plan(request, firstRow, maxItems);
  const fixed = request.items.map((spec, index) => applyTemplateFixed(template, spec, `items[${firstRow - 1 + index}]`));
  const planned = await planner.plan({ operationType: request.operationType, items: fixed.map((item) => item.spec) }, firstRow, maxItems);
  planned.items.forEach((item, index) => {
    item.errors.push(...fixed[index]!.issues);
    if (item.planned && item.errors.length === 0) {
      item.errors.push(
        ...templateConstraintIssues(
          template,
          { rowNumber: item.rowNumber, spec: item.spec, before: item.planned.before, after: item.planned.after, moneyMoved: item.moneyMoved },
          `items[${item.rowNumber - 1}]`,
        ),
      );
    }
  });
  return planned;
}
