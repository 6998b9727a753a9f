import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AllocationModule } from './allocation/allocation.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { BlindingAssessmentModule } from './blinding-assessment/blinding-assessment.module';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation';
import { BlindingCipher } from './crypto/blinding-cipher';
import { CryptoModule } from './crypto/crypto.module';
import { hmacSecretKey } from './crypto/hashing';
import { SIGNING_KEY_PAIR } from './crypto/signing-key';
import { DatabaseModule } from './database/database.module';
import { dataSourceOptions } from './database/data-source-options';
import { EnvelopesModule } from './envelopes/envelopes.module';
import { HealthModule } from './health/health.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ObservabilityModule } from './observability/observability.module';
import { ParticipantsModule } from './participants/participants.module';
import { RandomizationModule } from './randomization/randomization.module';
import { APP_CONFIG, AppRuntime, MAIL_RECIPIENTS, TRIAL_DEFINITION } from './runtime';
import { TrialModule } from './trial/trial.module';
import { UnblindingModule } from './unblinding/unblinding.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(runtime: AppRuntime): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(runtime.config),
          // PostgreSQL was reached a moment ago (postgres-startup.ts): a failure now is reported
          // at once, not after TypeORM's nine retries.
          ...(runtime.config.postgres ? { retryAttempts: 0 } : {}),
        }),
        JwtModule.register({
          global: true,
          secret: hmacSecretKey(runtime.jwtSecret),
        }),
        DatabaseModule,
        ObservabilityModule,
        CryptoModule,
        AuditModule,
        UsersModule,
        AuthModule,
        TrialModule,
        RandomizationModule,
        ParticipantsModule,
        AllocationModule,
        EnvelopesModule,
        NotificationsModule,
        UnblindingModule,
        BlindingAssessmentModule,
        HealthModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: runtime.config },
        { provide: TRIAL_DEFINITION, useValue: runtime.trial },
        { provide: MAIL_RECIPIENTS, useValue: runtime.mailRecipients },
        { provide: BlindingCipher, useValue: new BlindingCipher(runtime.blindingKey) },
        { provide: SIGNING_KEY_PAIR, useValue: runtime.auditSigningKey },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
      exports: [APP_CONFIG, TRIAL_DEFINITION, MAIL_RECIPIENTS, BlindingCipher, SIGNING_KEY_PAIR],
    };
  }
}
