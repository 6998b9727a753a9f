import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { BearerCheckService } from './bearer-check.service';
import { PasswordCheckService } from './password-check.service';
import { PasswordFailuresRepository } from './password-failures.repository';
import { RevokedTokensRepository } from './revoked-tokens.repository';
import { TokenService } from './token.service';

@Module({
  imports: [UsersModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    BearerCheckService,
    TokenService,
    PasswordCheckService,
    PasswordFailuresRepository,
    RevokedTokensRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [PasswordCheckService, BearerCheckService],
})
export class AuthModule {}
