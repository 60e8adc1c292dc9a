import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@tradewarden/database';
import type { identityV1 } from '@tradewarden/proto';
import { GrantLimitRow } from './grant-limit.entity';
import { GrantRow } from './grant.entity';

/** The grants in force with their limits, as grant.set / grant.revoke operations read them to plan a change. */
@Injectable()
export class GrantListingService {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async list(role: string): Promise<identityV1.ListGrantsResponse> {
    const grants = await this.dataSource.getRepository(GrantRow).find({ where: role ? { role } : {}, order: { role: 'ASC', action: 'ASC', operationTypePattern: 'ASC' } });
    const limits = grants.length === 0 ? [] : await this.dataSource.getRepository(GrantLimitRow).createQueryBuilder('limit').where('limit.grant_id IN (:...ids)', { ids: grants.map((grant) => grant.id) }).getMany();
    return {
      grants: grants.map((grant) => ({
        grantId: grant.id,
        grant: {
          role: grant.role,
          action: grant.action,
          operationTypePattern: grant.operationTypePattern,
          serverPattern: grant.serverPattern,
          serverTags: grant.serverTags,
          groupMasks: grant.groupMasks,
          limits: limits
            .filter((limit) => limit.grantId === grant.id)
            .sort((a, b) => a.currency.localeCompare(b.currency))
            .map((limit) => ({
              currency: limit.currency,
              ...(limit.maxPerItem !== null ? { maxPerItem: limit.maxPerItem } : {}),
              ...(limit.maxPerOperation !== null ? { maxPerOperation: limit.maxPerOperation } : {}),
              ...(limit.maxPerUserDay !== null ? { maxPerUserDay: limit.maxPerUserDay } : {}),
            })),
        },
      })),
    };
  }
}
