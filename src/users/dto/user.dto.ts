import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation';
import { MIN_PASSWORD_LENGTH } from '../../config/app-config';
import { Role, ROLES } from '../role';

/** The longest username: the width of users.username and of the audit log's actor column. */
export const USERNAME_MAX_LENGTH = 64;
/** Every username, as created through the API or the command line (both validate this DTO). */
export const USERNAME_PATTERN = new RegExp(`^[a-z0-9][a-z0-9._-]{1,${USERNAME_MAX_LENGTH - 1}}$`);
export const USERNAME_RULE = `2 to ${USERNAME_MAX_LENGTH} lower-case letters, digits, dots, dashes or underscores`;
const ROLE_MESSAGE = `each role must be one of ${ROLES.join(', ')}`;

export class CreateUserDto {
  @ApiProperty({
    example: 'pharmacist1',
    pattern: USERNAME_PATTERN.source,
    maxLength: USERNAME_MAX_LENGTH,
  })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: `username must be ${USERNAME_RULE}` })
  username!: string;

  @ApiProperty({
    minLength: MIN_PASSWORD_LENGTH,
    maxLength: 256,
    example: 'correct horse battery staple',
  })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, {
    message: `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  })
  @MaxLength(256)
  password!: string;

  @ApiProperty({
    enum: ROLES,
    isArray: true,
    minItems: 1,
    maxItems: ROLES.length,
    uniqueItems: true,
    example: ['pharmacist'],
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: ROLE_MESSAGE })
  roles!: Role[];

  @ApiPropertyOptional({ example: 'Hospital pharmacist', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({
    enum: ROLES,
    isArray: true,
    minItems: 1,
    maxItems: ROLES.length,
    uniqueItems: true,
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: ROLE_MESSAGE })
  roles?: Role[];

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, maxLength: 256 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, {
    message: `password must have at least ${MIN_PASSWORD_LENGTH} characters`,
  })
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  displayName?: string;
}

export class UserResponseDto {
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ nullable: true, type: String }) displayName!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
