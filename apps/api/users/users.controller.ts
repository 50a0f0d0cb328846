import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize, CurrentActor, Permission, UsersService, type Actor } from '@scrutiny/auth';
import {
  CreateUserRequest,
  ResetPasswordRequest,
  SetDisabledRequest,
  UpdateUserRequest,
  UserListResponse,
  UserResponse,
  UserWithPasswordResponse,
} from './users.dto';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authorize(Permission.USERS_MANAGE)
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserListResponse })
  list(@CurrentActor() actor: Actor): Promise<UserListResponse> {
    return this.users.list(actor);
  }

  @Post()
  @Authorize(Permission.USERS_MANAGE)
  @ApiOperation({ summary: 'Create a user (audited)' })
  @ApiCreatedResponse({ type: UserWithPasswordResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest): Promise<UserWithPasswordResponse> {
    return this.users.create(body, actor);
  }

  @Get(':id')
  @Authorize(Permission.USERS_MANAGE)
  @ApiOperation({ summary: 'One user' })
  @ApiOkResponse({ type: UserResponse })
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<UserResponse> {
    return this.users.get(id, actor);
  }

  @Patch(':id')
  @Authorize(Permission.USERS_MANAGE)
  @ApiOperation({ summary: 'Change name, roles or scope (optimistic locking by `version`; audited)' })
  @ApiOkResponse({ type: UserResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: UpdateUserRequest,
  ): Promise<UserResponse> {
    return this.users.update(id, body, actor);
  }

  @Post(':id/disabled')
  @HttpCode(200)
  @Authorize(Permission.USERS_MANAGE)
  @ApiOperation({ summary: 'Disable or re-enable a user; disabling ends their sessions at once (audited)' })
  @ApiOkResponse({ type: UserResponse })
  setDisabled(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: SetDisabledRequest,
  ): Promise<UserResponse> {
    return this.users.setDisabled(id, body.disabled, actor);
  }

  @Post(':id/password')
  @HttpCode(200)
  @Authorize(Permission.USERS_MANAGE)
  @ApiOperation({
    summary: 'Reset a password (given or generated); ends their sessions and clears a lockout (audited)',
  })
  @ApiOkResponse({ type: UserWithPasswordResponse })
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() body: ResetPasswordRequest,
  ): Promise<UserWithPasswordResponse> {
    return this.users.resetPassword(id, body.password, actor);
  }
}
