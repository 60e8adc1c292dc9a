import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE, isUniqueViolation } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { intakeV1, operationV1, type commonV1 } from '@tradewarden/proto';
import { CATALOGUE } from '../catalogue/catalogue';
import type { Issue } from '../catalogue/operation-type';
import { IntakeError } from '../intake-errors';
import { TemplateRow } from './template.entity';
import { parseTemplateReference, templateReference } from './template-rules';
import { TEMPLATE_NAME, templateIssues } from './template-validation';

const PRIMARY_KEY = 'operation_templates_pkey';

/** Templates are permissioned like operations, under "template.<operation type>". */
const templatePermission = (operationType: string) => `template.${operationType}`;

function invalidTemplate(issues: readonly Issue[]): IntakeError {
  const summary = issues.map((issue) => `${issue.field}: ${issue.message} [${issue.code}]`).join('; ');
  return new IntakeError('VALIDATION_FAILED', `invalid template, nothing was saved: ${summary}`, issues);
}

function toTemplate(row: TemplateRow): intakeV1.OperationTemplate {
  return {
    name: row.name,
    version: row.version,
    operationType: row.operationType,
    description: row.description,
    fixed: operationV1.OperationItemSpec.fromJSON(row.fixed),
    constraints: intakeV1.TemplateConstraints.fromJSON(row.constraints),
    approvalPolicy: row.approvalPolicy,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
  };
}

/**
 * Named, versioned operation templates: an admin saves presets (type, fixed params, limits, approval policy), users
 * list and read them, submissions resolve the one they name. Versions are append-only, so an operation's
 * "name@version" always means what its approver saw.
 */
@Injectable()
export class TemplateService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  /** The latest version of each template whose operation type the caller may view. */
  async list(actor: commonV1.Actor): Promise<intakeV1.ListTemplatesResponse> {
    const latest = await this.dataSource
      .getRepository(TemplateRow)
      .createQueryBuilder('template')
      .distinctOn(['template.name'])
      .orderBy('template.name', 'ASC')
      .addOrderBy('template.version', 'DESC')
      .getMany();
    // One decision per operation type rather than per template: at most the catalogue's size in calls, made at once.
    const types = [...new Set(latest.map((row) => row.operationType))];
    const decisions = await Promise.all(
      types.map(async (operationType) => [operationType, (await this.authorization.authorize(actor, { action: 'view', operationType: templatePermission(operationType) })).allowed] as const),
    );
    const viewable = new Set(decisions.filter(([, allowed]) => allowed).map(([operationType]) => operationType));
    return { templates: latest.filter((row) => viewable.has(row.operationType)).map(toTemplate) };
  }

  /** One version (0: the latest); `name` may also be a reference, "name@3". */
  async get(actor: commonV1.Actor, request: intakeV1.GetTemplateRequest): Promise<intakeV1.GetTemplateResponse> {
    const reference = parseTemplateReference(request.name);
    const issues: Issue[] = [];
    if (!reference || !TEMPLATE_NAME.test(reference.name)) issues.push({ field: 'name', code: 'FORMAT', message: 'must be a template name, or "name@version"' });
    if (!Number.isInteger(request.version) || request.version < 0) issues.push({ field: 'version', code: 'RANGE', message: 'must be 0 (the latest) or a version' });
    if (reference && reference.version !== 0 && request.version !== 0 && reference.version !== request.version) {
      issues.push({ field: 'version', code: 'CONFLICT', message: `the name already asks for version ${reference.version}` });
    }
    if (issues.length > 0) throw IntakeError.validation(issues);
    const version = reference!.version || request.version;
    const row = await this.find(this.dataSource.manager, reference!.name, version);
    if (!row) throw new IntakeError('NOT_FOUND', `no template ${version === 0 ? reference!.name : templateReference({ name: reference!.name, version })}`);
    await this.authorization.require(actor, { action: 'view', operationType: templatePermission(row.operationType) });
    return { template: toTemplate(row) };
  }

  /** Saves the template as the next version of its name; needs the admin permission on template.<operation type>. */
  async save(actor: commonV1.Actor, request: intakeV1.SaveTemplateRequest): Promise<intakeV1.SaveTemplateResponse> {
    // Normalized: gRPC decoding leaves nulls for absent messages, which the ts-proto helpers do not expect.
    const template = request.template && intakeV1.OperationTemplate.fromPartial(request.template);
    if (!template) throw invalidTemplate([{ field: 'template', code: 'REQUIRED', message: 'the template to save is required' }]);
    // Permission first, so that only admins learn what a valid template looks like; an unknown type has no permission
    // to ask about and is refused with the other problems.
    if (CATALOGUE.has(template.operationType)) await this.authorization.require(actor, { action: 'admin', operationType: templatePermission(template.operationType) });
    const issues = templateIssues(template);
    if (issues.length > 0) throw invalidTemplate(issues);
    try {
      return { template: toTemplate(await this.insertNextVersion(actor, template)) };
    } catch (error) {
      if (!isUniqueViolation(error, PRIMARY_KEY)) throw error;
    }
    // Another save of the same name took this version meanwhile: the next one is free unless a third save races too.
    try {
      return { template: toTemplate(await this.insertNextVersion(actor, template)) };
    } catch (error) {
      if (!isUniqueViolation(error, PRIMARY_KEY)) throw error;
      throw new IntakeError('CONCURRENT_CHANGE', `template ${template.name} was saved by someone else at the same time; read it again and repeat the save`);
    }
  }

  /** The template a submission names: "name" for its latest version, "name@3" for version 3. */
  async resolve(reference: string): Promise<intakeV1.OperationTemplate> {
    const parsed = parseTemplateReference(reference);
    const row = parsed && TEMPLATE_NAME.test(parsed.name) ? await this.find(this.dataSource.manager, parsed.name, parsed.version) : undefined;
    if (!row) throw IntakeError.validation([{ field: 'template', code: 'UNKNOWN_TEMPLATE', message: `no template "${reference}" (give "name" or "name@version")` }]);
    return toTemplate(row);
  }

  private async find(manager: EntityManager, name: string, version: number): Promise<TemplateRow | undefined> {
    const found = await manager.getRepository(TemplateRow).findOne({ where: version === 0 ? { name } : { name, version }, order: { version: 'DESC' } });
    return found ?? undefined;
  }

  private async insertNextVersion(actor: commonV1.Actor, template: intakeV1.OperationTemplate): Promise<TemplateRow> {
    const saved = await this.dataSource.transaction(async (manager) => {
      const latest = await this.find(manager, template.name, 0);
      // A name keeps its type: submissions name templates by name, and their permission follows the type.
      if (latest && latest.operationType !== template.operationType) {
        throw invalidTemplate([
          { field: 'template.operation_type', code: 'TYPE_CHANGED', message: `template ${template.name} is a ${latest.operationType} template; save a new name for ${template.operationType}` },
        ]);
      }
      const version = (latest?.version ?? 0) + 1;
      await manager.getRepository(TemplateRow).insert({
        name: template.name,
        version,
        operationType: template.operationType,
        description: template.description,
        fixed: operationV1.OperationItemSpec.toJSON(template.fixed ?? operationV1.OperationItemSpec.fromPartial({})) as object,
        constraints: intakeV1.TemplateConstraints.toJSON(template.constraints ?? intakeV1.TemplateConstraints.fromPartial({})) as object,
        approvalPolicy: template.approvalPolicy,
        createdBy: actor.username,
      });
      const saved = (await this.find(manager, template.name, version))!;
      // In the same transaction: a saved version is always in the audit trail, and nothing is recorded for a refused one.
      await this.outbox.add(manager, Topics.templateEvents, saved.name, buildEnvelope({ templateSaved: { template: toTemplate(saved) } }, { actor, producer: 'intake', aggregateId: saved.name }));
      return saved;
    });
    this.messaging.publishSoon();
    return saved;
  }
}
