import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../common/actor';
import { CurrentActor, Roles } from '../common/decorators';
import { CreateUserDto, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { USERNAME_PARAM, UsernameParam } from './username-param';
import { UsersService } from './users.service';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user with one or more roles' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED: a weak password (shorter than the minimum, or holding the username), an unknown or missing role, a malformed username',
  })
  @ApiConflictResponse({ description: 'DUPLICATE: the username is taken' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(actor, dto);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ operationId: 'listUsers', summary: 'List users (never a password hash)' })
  @ApiOkResponse({ type: UserResponseDto, isArray: true })
  list(): Promise<UserResponseDto[]> {
    return this.users.list();
  }

  @Patch(':username')
  @Roles('admin')
  @ApiOperation({
    operationId: 'updateUser',
    summary:
      'Change roles, enable or disable, or reset the password; effective on the next request',
  })
  @ApiParam(USERNAME_PARAM)
  @ApiOkResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({
    description:
      'VALIDATION_FAILED: a username in the path that no user can have, nothing to change, a weak password, an unknown role',
  })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no user has this username' })
  @ApiConflictResponse({
    description: 'LAST_ADMIN: the change would leave no active admin',
  })
  update(
    @CurrentActor() actor: Actor,
    @UsernameParam() username: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return this.users.update(actor, username, dto);
  }
}
