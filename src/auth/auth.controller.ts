import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
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

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Exchange a username and password for a short-lived bearer token' })
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
  @ApiOperation({ summary: 'Who the token belongs to, with current roles' })
  me(@CurrentActor() actor: Actor): SessionUserDto {
    return { username: actor.username, roles: actor.roles };
  }
}
