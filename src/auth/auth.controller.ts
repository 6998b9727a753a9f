import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { AnyRole, CurrentActor, Public } from '../common/decorators';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponseDto, SessionUserDto } from './dto/login.dto';
import { CurrentSession, RefreshesSession, SessionToken } from './session';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    operationId: 'login',
    summary: 'Exchange a username and password for a short-lived bearer token',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'Unknown user or wrong password (same answer)' })
  @ApiTooManyRequestsResponse({
    description: 'Too many failed attempts for the account or address',
  })
  login(@CurrentActor() actor: Actor, @Body() dto: LoginDto): Promise<LoginResponseDto> {
    return this.auth.login(actor, dto);
  }

  @Get('me')
  @AnyRole()
  @ApiOperation({
    operationId: 'getCurrentUser',
    summary: 'Who the token belongs to, with current roles',
  })
  @ApiOkResponse({ type: SessionUserDto })
  me(@CurrentActor() actor: Actor): SessionUserDto {
    return { username: actor.username, roles: actor.roles };
  }

  @Post('refresh')
  @HttpCode(200)
  @AnyRole()
  @RefreshesSession()
  @ApiOperation({
    operationId: 'refreshSession',
    summary: 'Swap the presented token for a new one of the same session',
    description:
      'Accepted until 30 minutes after the presented token was issued, even if it has expired ' +
      '(idle limit), and never later than 12 hours after the sign-in (absolute limit); the ' +
      'presented token is revoked. No body.',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({
    description:
      'Session idle or older than 12 hours (SESSION_EXPIRED), token revoked (TOKEN_REVOKED), account disabled',
  })
  refresh(
    @CurrentActor() actor: Actor,
    @CurrentSession() session: SessionToken,
  ): Promise<LoginResponseDto> {
    return this.auth.refresh(actor, session);
  }

  @Post('logout')
  @HttpCode(204)
  @AnyRole()
  @ApiOperation({
    operationId: 'logout',
    summary: 'Sign out: the presented token is revoked at once, in every server process',
  })
  @ApiNoContentResponse({ description: 'Signed out; the token is refused from now on' })
  logout(@CurrentActor() actor: Actor, @CurrentSession() session: SessionToken): Promise<void> {
    return this.auth.logout(actor, session);
  }
}
