import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class LoginRequest {
  @ApiProperty({ example: 'supervisor' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @ApiProperty({ example: 'scrutiny-demo-2026', format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;
}

export class RefreshRequest {
  @ApiProperty({ description: 'The refresh token from the last sign-in or refresh (each works once)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  currentPassword: string;

  @ApiProperty({
    format: 'password',
    description:
      'At least 12 characters, not one of the 100,000 most common breached passwords, not containing the username',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  newPassword: string;
}

export class TokenPairResponse {
  @ApiProperty({ description: 'JWT (HS256); send as `Authorization: Bearer <token>`' }) accessToken: string;
  @ApiProperty({ description: 'Opaque; exchange at /auth/refresh. Rotated on every use.' }) refreshToken: string;
  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 }) expiresIn: number;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ type: [String] }) roles: string[];
  @ApiProperty({ type: [String] }) permissions: string[];
  @ApiProperty({ type: [String], description: 'Supervisor scope: teams' }) teams: string[];
  @ApiProperty({ type: [String], description: 'Supervisor scope: areas' }) areas: string[];
}
