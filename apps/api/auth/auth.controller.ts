import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { AuthService, Authorize, CurrentActor, Permission, Public, type Actor } from '@scrutiny/auth';
import { loginThrottle } from './login-throttle';
import { ChangePasswordRequest, LoginRequest, MeResponse, RefreshRequest, TokenPairResponse } from './auth.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @Throttle({ default: loginThrottle() })
  @ApiOperation({
    summary: 'Sign in',
    description:
      'Answers an access token (short-lived JWT) and a refresh token. Repeated failures lock the account for a time (423 with `lockedUntil`); sign-in is rate-limited per client.',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  login(@Body() body: LoginRequest): Promise<TokenPairResponse> {
    return this.auth.login(body.username, body.password);
  }

  @Post('auth/refresh')
  @HttpCode(200)
  @Public()
  @Throttle({ default: loginThrottle() })
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description: 'Each refresh token works once; presenting a used one ends every session from that sign-in.',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  refresh(@Body() body: RefreshRequest): Promise<TokenPairResponse> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Authorize(Permission.SELF)
  @ApiOperation({
    summary: 'Sign out: revoke the refresh token and its family',
    description:
      'Every access token of the account stops working at once (other sign-ins get new ones from their refresh token).',
  })
  logout(@CurrentActor() actor: Actor, @Body() body: RefreshRequest): Promise<void> {
    return this.auth.logout(actor, body.refreshToken);
  }

  @Get('me')
  @Authorize(Permission.SELF)
  @ApiOperation({ summary: 'The signed-in user, their roles and permissions' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentActor() actor: Actor): MeResponse {
    const { id, username, displayName, roles, teams, areas } = actor;
    return { id, username, displayName, roles, permissions: [...actor.permissions].sort(), teams, areas };
  }

  @Post('me/password')
  @HttpCode(200)
  @Authorize(Permission.SELF)
  @Throttle({ default: loginThrottle() })
  @ApiOperation({
    summary: 'Change your own password (audited)',
    description:
      'Checks the current password (a wrong one counts towards the sign-in lockout), applies the password policy, ends every session of the account, and answers a new token pair for this client.',
  })
  @ApiOkResponse({ type: TokenPairResponse })
  changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordRequest): Promise<TokenPairResponse> {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword);
  }
}
