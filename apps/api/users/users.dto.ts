import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { NOTIFICATION_PREFERENCES, ROLES } from '@scrutiny/auth';

const CODE = /^[A-Za-z0-9_-]{1,32}$/;

/** The contact fields, alike on create and update. */
const EmailField = () =>
  applyDecorators(
    ApiPropertyOptional({
      nullable: true,
      type: String,
      example: 'j.smith@example.police.uk',
      description: 'Where notification emails go; none: in-app notifications only',
    }),
    IsOptional(),
    IsString(),
    MaxLength(254),
  );

const NotificationPreferenceField = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: NOTIFICATION_PREFERENCES,
      default: 'immediate',
      description: 'Each email as it happens, or one digest a day',
    }),
    IsOptional(),
    IsIn(NOTIFICATION_PREFERENCES),
  );

export class CreateUserRequest {
  @ApiProperty({ example: 'jsmith', description: '3–64 of a-z, 0-9, ".", "_", "-" (stored lower-case)' })
  @IsString()
  @MaxLength(64)
  username: string;

  @ApiPropertyOptional({ example: 'Sgt J. Smith' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  displayName?: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles: string[];

  @ApiPropertyOptional({ type: [String], description: 'Supervisor scope: team codes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CODE, { each: true, message: 'each team must be a code of letters, digits, "_" or "-"' })
  teams?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Supervisor scope: area codes (e.g. ONS codes)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CODE, { each: true, message: 'each area must be a code of letters, digits, "_" or "-"' })
  areas?: string[];

  @EmailField() email?: string | null;

  @NotificationPreferenceField() notificationPreference?: string;

  @ApiPropertyOptional({
    description: 'At least 12 characters. Omit to have a strong one generated and returned once.',
    format: 'password',
  })
  // Null is not "omitted": it is refused, not handed to the password policy.
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(256)
  password?: string;
}

export class UpdateUserRequest {
  @ApiProperty({ description: 'The version you read (optimistic locking): a stale one answers 409' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(120) displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @IsIn(ROLES, { each: true })
  roles?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CODE, { each: true, message: 'each team must be a code of letters, digits, "_" or "-"' })
  teams?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(CODE, { each: true, message: 'each area must be a code of letters, digits, "_" or "-"' })
  areas?: string[];

  @EmailField() email?: string | null;

  @NotificationPreferenceField() notificationPreference?: string;
}

export class SetDisabledRequest {
  @ApiProperty() @IsBoolean() disabled: boolean;
}

export class ResetPasswordRequest {
  @ApiPropertyOptional({ description: 'Omit to generate one (returned once)', format: 'password' })
  // Null is not "omitted": it is refused, not handed to the password policy.
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(256)
  password?: string;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: string[];
  @ApiProperty({ type: [String] }) teams: string[];
  @ApiProperty({ type: [String] }) areas: string[];
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ enum: NOTIFICATION_PREFERENCES }) notificationPreference: string;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lockedUntil: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() version: number;
}

export class UserListResponse {
  @ApiProperty({ type: [UserResponse] }) items: UserResponse[];
  @ApiProperty({ description: 'How many users there are (the list is not capped)' }) total: number;
}

export class UserWithPasswordResponse {
  @ApiProperty({ type: UserResponse }) user: UserResponse;
  @ApiPropertyOptional({ description: 'Present only when the password was generated: shown this once' })
  generatedPassword?: string;
}
