import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { Roles, type AuthUser } from '@homelab/auth';
import type { User, UserList } from '@homelab/dashboard-api';
import { createUserBody, parseBody, updateUserBody } from './auth.dto.js';
import { CurrentUser } from './request-auth.js';
import { UsersService } from './users.service.js';

@Controller('api/users')
@Roles('admin')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  async list(): Promise<UserList> {
    return { users: await this.users.list() };
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @CurrentUser() by: AuthUser): Promise<User> {
    const { username, password, role } = parseBody(createUserBody, body);
    return this.users.create(username, password, role, by.id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() body: unknown, @CurrentUser() by: AuthUser): Promise<User> {
    return this.users.update(id, parseBody(updateUserBody, body), by.id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @CurrentUser() by: AuthUser): Promise<void> {
    await this.users.delete(id, by.id);
  }
}
