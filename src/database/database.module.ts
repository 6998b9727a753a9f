import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../runtime';
import { DatabaseFileGuard } from './database-file-guard';
import { UnitOfWork } from './unit-of-work';

@Global()
@Module({
  providers: [
    {
      provide: DatabaseFileGuard,
      // After the data source has opened the file: the guard remembers the file that is open.
      // PostgreSQL has no file of ours to guard: the server owns its files.
      useFactory: (config: AppConfig, _opened: DataSource) =>
        new DatabaseFileGuard(config.postgres ? undefined : config.databasePath),
      inject: [APP_CONFIG, DataSource],
    },
    UnitOfWork,
  ],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
