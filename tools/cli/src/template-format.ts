import type { intakeV1 } from '@tradewarden/proto';
import { operationV1 } from '@tradewarden/proto';
import { UsageError } from './exit-codes';
import { table } from './operation-format';

export function formatTemplateList(templates: readonly intakeV1.OperationTemplate[]): string {
  if (templates.length === 0) return 'no templates';
  return table(
    ['template', 'type', 'approval policy', 'description'],
    templates.map((template) => [`${template.name}@${template.version}`, template.operationType, template.approvalPolicy || '-', template.description]),
  ).join('\n');
}

export function formatTemplate(template: intakeV1.OperationTemplate): string {
  const constraints = template.constraints;
  const lines = [
    `template ${template.name}@${template.version}  ${template.operationType}`,
    `  ${template.description}`,
    `  created by ${template.createdBy || '-'}${template.createdAt ? ` at ${template.createdAt.toISOString()}` : ''}; approval policy ${template.approvalPolicy || '(the policies decide)'}`,
  ];
  if (template.fixed) lines.push(`  fixed: ${JSON.stringify(operationV1.OperationItemSpec.toJSON(template.fixed))}`);
  if (constraints) {
    if (constraints.maxAmountPerItem) lines.push(`  at most ${constraints.maxAmountPerItem.amount} ${constraints.maxAmountPerItem.currency} per item`);
    if (constraints.groupMasks.length > 0) lines.push(`  groups: ${constraints.groupMasks.join(', ')}`);
    if (constraints.serverIds.length > 0) lines.push(`  servers: ${constraints.serverIds.join(', ')}`);
    if (constraints.maxItems > 0) lines.push(`  at most ${constraints.maxItems} items per operation`);
  }
  return lines.join('\n');
}

/** "vip-bonus" -> latest version; "vip-bonus@3" -> version 3. */
export function parseTemplateReference(reference: string): { name: string; version: number } {
  const at = reference.lastIndexOf('@');
  if (at <= 0) return { name: reference, version: 0 };
  const version = reference.slice(at + 1);
  if (!/^[1-9]\d*$/.test(version)) throw new UsageError(`template "${reference}": the version after @ is a number (name@3)`);
  return { name: reference.slice(0, at), version: Number(version) };
}
