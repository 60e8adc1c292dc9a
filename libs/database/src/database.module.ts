import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openServiceDataSource } from './open-data-source';
import type { ServiceDataSourceOptions } from './service-data-source';

export const DATA_SOURCE = Symbol('DATA_SOURCE');

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/** Provides the service's DataSource, connected and migrated before the app accepts work. */
@Module({})
export class DatabaseModule {
  static forService(options: ServiceDataSourceOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DATA_SOURCE,
          useFactory: () => openServiceDataSource(options),
        },
        DataSourceCloser,
      ],
      exports: [DATA_SOURCE],
    };
  }
}
