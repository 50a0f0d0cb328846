import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '@scrutiny/core';
import { DemoUsersSeeder } from './demo-users';
import { AccessGuard } from './http/access.guard';
import { AccessService } from './access/access.service';
import { JwtStrategy } from './http/jwt.strategy';
import { AuthService } from './tokens/auth.service';
import { UsersService } from './users/users.service';

/** Users, sign-in, tokens, and the global access guard every route passes through. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(config: AppConfig, options: { guard: boolean }): DynamicModule {
    return {
      module: AuthModule,
      imports: [PassportModule, JwtModule.register({ secret: config.jwtSecret })],
      providers: [
        AuthService,
        UsersService,
        JwtStrategy,
        DemoUsersSeeder,
        AccessService,
        ...(options.guard ? [{ provide: APP_GUARD, useClass: AccessGuard }] : []),
      ],
      exports: [AuthService, UsersService, DemoUsersSeeder, AccessService],
    };
  }
}
