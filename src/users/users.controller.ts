import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
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
  @ApiConflictResponse({ description: 'The username is taken' })
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
  @ApiParam({ name: 'username', schema: { type: 'string', maxLength: 64 } })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse({ description: 'Unknown user' })
  update(
    @CurrentActor() actor: Actor,
    @Param('username') username: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponseDto> {
    return this.users.update(actor, username, dto);
  }
}
